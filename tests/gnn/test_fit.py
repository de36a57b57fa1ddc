"""`gnn fit` on a small external graph: quarantine, split, and the trees beating node features."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gnn.errors import ExportError
from gnn.external import read_graph
from gnn.fit import FitConfig, fit_graph, write_fit
from tests.gnn.external_graph import write_graph


def test_read_graph_quarantines_bad_rows_and_splits_stratified(tmp_path: Path) -> None:
    nodes, edges = write_graph(tmp_path / "g")
    g = read_graph(nodes, edges, tmp_path / "q", seed=1)
    assert len(g.ids) == 601  # 600 + "odd" (kept, label unknown); the duplicate c0005 is dropped
    assert g.y[list(g.ids).index("odd")] == -1
    reasons = pd.read_parquet(tmp_path / "q" / "graph_rows.parquet")["reason"].tolist()
    assert any("duplicate" in r for r in reasons) and any("label" in r for r in reasons)
    assert any("endpoint" in r for r in reasons)
    labelled = g.y >= 0
    assert set(g.split[labelled]) == {"train", "val", "test"} and set(g.split[~labelled]) == {""}
    for part, share in (("train", 0.4), ("val", 0.2), ("test", 0.4)):
        idx = g.indices(part)
        assert abs(len(idx) / labelled.sum() - share) < 0.01
        assert abs(g.y[idx].mean() - g.y[labelled].mean()) < 0.02  # stratified


def test_read_graph_names_the_missing_column(tmp_path: Path) -> None:
    nodes, edges = write_graph(tmp_path / "g")
    pd.read_parquet(edges).drop(columns="relation").to_parquet(edges)
    with pytest.raises(ExportError, match="relation"):
        read_graph(nodes, edges)


def test_graphboost_uses_the_graph_and_writes_its_outputs(tmp_path: Path) -> None:
    nodes, edges = write_graph(tmp_path / "g")
    g = read_graph(nodes, edges, seed=3)
    plain = fit_graph(g, FitConfig(model="trees", seed=3))
    boost = fit_graph(g, FitConfig(model="graphboost", seed=3))
    assert boost.metrics["test_auc"] >= 0.9
    assert boost.metrics["test_auc"] >= plain.metrics["test_auc"] + 0.1
    assert boost.metrics["test_f1_macro"] > plain.metrics["test_f1_macro"]
    again = fit_graph(g, FitConfig(model="graphboost", seed=3))
    assert np.array_equal(boost.scores, again.scores)  # one seed, one result
    paths = write_fit(boost, g, tmp_path / "out", FitConfig(seed=3))
    scores = pd.read_parquet(paths["scores"])
    assert list(scores["node_id"]) == list(g.ids) and scores["score"].between(0, 1).all()
    assert (paths["model"] / "trees.txt").stat().st_size > 0
