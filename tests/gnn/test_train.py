"""Training: reproducible by seed, not collapsing under imbalance, artefacts that round-trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from gnn.artifact import load_model, save_model
from gnn.data import to_hetero_data
from gnn.detect import DetectConfig, detect
from gnn.metrics import average_precision
from gnn.train import TrainConfig, balanced_bce, predict, train
from testing.synthetic import make_export
from tests.gnn.builders import scenario

FAST = TrainConfig(epochs=60, patience=60)


def test_to_hetero_data_adds_reverse_relations_and_drops_modalities() -> None:
    export, _ = scenario()
    data, scaler = to_hetero_data(export)
    assert ("device", "rev_uses_device", "account") in data.edge_types
    assert data["account"].x.shape == (28, len(export.nodes["account"].feature_names))
    assert torch.allclose(data["account"].x.mean(0), torch.zeros(data["account"].x.shape[1]), atol=1e-5)
    dropped, s2 = to_hetero_data(export, drop=frozenset({"clickstream"}))
    assert ("account", "behaves_like", "account") not in dropped.edge_types
    assert scaler.names != s2.names or "n_similar" not in export.nodes["account"].feature_names


def test_same_seed_same_model() -> None:
    export, _ = scenario()
    a = predict(train(export, FAST), export)
    b = predict(train(export, FAST), export)
    c = predict(train(export, TrainConfig(seed=99, epochs=60, patience=60)), export)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_imbalanced_labels_do_not_collapse_to_majority() -> None:
    # ~1 labelled fraud per 60 labelled legit accounts
    export, truth = make_export(900, seed=3, n_rings=3, label_fraud_frac=0.2, label_legit_frac=0.6)
    labels = export.account_labels
    assert 0 < (labels == 1).sum() * 30 < (labels == 0).sum()
    trained = train(export, TrainConfig(epochs=80, patience=30))
    p = predict(trained, export)
    ids = export.nodes["account"].ids
    fraud = {a for _, _, m in truth.rings for a in m}
    y = np.array([a in fraud for a in ids], dtype=np.int64)
    unl = labels < 0
    flagged = p[unl] >= trained.threshold
    assert flagged.any(), "collapsed: nothing flagged at the operating threshold"
    assert (y[unl][flagged] == 1).mean() > 0.5  # and what is flagged is mostly fraud
    assert average_precision(y[unl], p[unl]) > 5 * y[unl].mean()  # far above a constant scorer


def test_balanced_loss_weighs_classes_equally() -> None:
    logits = torch.tensor([0.0, 0.0, 0.0, 0.0, 5.0])
    y = torch.tensor([0, 0, 0, 0, 1])
    # a constant "all legit" scorer pays half the loss of a positive it misses, whatever the counts
    const = balanced_bce(torch.full((5,), -5.0), y)
    assert float(const) > 2.0
    assert float(balanced_bce(logits, y)) < float(const)


def test_artifact_round_trip(tmp_path: Path) -> None:
    export, _ = scenario()
    trained = train(export, FAST)
    version = save_model(trained, tmp_path)
    assert (tmp_path / version / "model.pt").exists() and (tmp_path / version / "metadata.json").exists()
    assert save_model(trained, tmp_path) == version  # content-addressed
    loaded = load_model(tmp_path, version)
    assert np.allclose(predict(loaded, export), predict(trained, export))
    assert loaded.scaler.names["account"] == trained.scaler.names["account"]


def test_detect_end_to_end_finds_gang_and_loop_not_family(tmp_path: Path) -> None:
    export, groups = scenario()
    det = detect(export, DetectConfig(train=TrainConfig(epochs=150, patience=50)), tmp_path, "build-1")
    sets = [{m.account_id for m in r.members} for r in det.rings]
    assert set(groups["gang"]) in sets
    assert set(groups["loop"]) in sets
    assert not any(s & set(groups["family"]) for s in sets)
    score = {s.account_id: s.score for s in det.scores}
    assert max(score[a] for a in groups["family"]) < min(score[a] for a in groups["gang"])


def test_empty_node_types_and_relations_are_tolerated(tmp_path: Path) -> None:
    """graph/export.py emits every node type and relation, some of them empty on a quiet day."""
    from dataclasses import replace

    from graph.export_types import EdgeTable, NodeTable

    export, groups = scenario()
    empty = np.zeros(0, dtype=np.int64)
    nodes = {**export.nodes, "coupon": NodeTable((), np.zeros((0, 1), np.float32), ("degree",))}
    edges = tuple(e for e in export.edges if e.relation != "claimed") + (
        EdgeTable("account", "claimed", "coupon", empty, empty, np.zeros(0, np.float32)),
        EdgeTable("account", "called_from", "phone", empty, empty, np.zeros(0, np.float32)))
    quiet = replace(export, nodes=nodes, edges=edges)
    det = detect(quiet, DetectConfig(train=FAST), tmp_path, "b")
    assert len(det.scores) == 28
    assert set(groups["loop"]) in [{m.account_id for m in r.members} for r in det.rings]
