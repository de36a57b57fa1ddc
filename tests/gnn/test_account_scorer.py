"""The nightly's GraphBoost scorer on a hand-built export: the view, the artefact round trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gnn.account_scorer import ScorerConfig, account_view, fit_account_scorer
from gnn.artifact import is_boost
from gnn.detect import DetectConfig, score_accounts
from tests.gnn.builders import build_export, scenario


def test_view_ties_accounts_through_small_things_only() -> None:
    accounts = {f"a{i}": {"age_days": float(i)} for i in range(40)}
    edges = [("uses_ip", f"a{i}", "campus-nat", 1) for i in range(35)]  # a hub of 35 accounts
    edges += [("uses_device", "a0", "dev-x", 1), ("uses_device", "a1", "dev-x", 1)]
    view = account_view(build_export(accounts, edges))
    rel = {r.name: r for r in view.relations}
    assert len(rel["uses_ip"].src) == 0  # 35 > hub cap 30: no pair
    assert sorted(zip(rel["uses_device"].src.tolist(), rel["uses_device"].dst.tolist(), strict=True)) == [(0, 1)]
    assert "uses_ip.max_degree" in view.names  # the thing's own feature reaches its accounts


def test_saved_scorer_reloads_to_the_same_scores(tmp_path: Path) -> None:
    export, groups = scenario()
    p, version, metrics = score_accounts(export, DetectConfig(), tmp_path)
    assert version.startswith("boost-") and is_boost(tmp_path, version)
    assert metrics["n_labelled_fraud"] == 4
    again, same, _ = score_accounts(export, DetectConfig(model_version=version), tmp_path)
    assert same == version and np.allclose(again, p)
    ids = list(export.nodes["account"].ids)
    fraud = [ids.index(a) for a in groups["gang"][2:] + groups["loop"][2:]]  # unlabelled members
    normal = [ids.index(a) for a in groups["normal"][8:]]  # unlabelled ordinary accounts
    assert p[fraud].mean() > p[normal].mean()


def test_scoring_on_more_threads_gives_the_same_probabilities() -> None:
    export, _ = scenario()
    sc = ScorerConfig()
    model, p, _ = fit_account_scorer(export, sc)
    view = account_view(export, frozenset(), sc.hub_cap)
    m = model.design(view.x, view.names, view.relations, export.account_labels.astype(np.int64), sc.seed)
    assert np.allclose(model.trees.predict(m), p, atol=1e-6)
    assert np.array_equal(model.trees.predict(m, threads=2), model.trees.predict(m))
