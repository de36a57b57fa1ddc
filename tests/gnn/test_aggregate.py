"""Neighbour aggregates on hand-built graphs: values, and no label reaching its own node."""

from __future__ import annotations

import numpy as np

from gnn.aggregate import AggregateConfig, Relation, neighbour_features
from gnn.metrics import best_macro_f1_threshold, macro_f1_gmean, roc_auc

# a path 0-1-2-3 on relation "r"; node 3 also tied to 0 on relation "s"
X = np.array([[1.0], [2.0], [4.0], [8.0]], dtype=np.float32)
RELS = (Relation("r", np.array([0, 1, 2]), np.array([1, 2, 3])), Relation("s", np.array([3]), np.array([0])))


def _col(m: np.ndarray, names: tuple[str, ...], name: str) -> np.ndarray:
    return m[:, names.index(name)]


def test_feature_aggregates_per_relation_and_union() -> None:
    m, names = neighbour_features(X, ("v",), RELS, np.full(4, -1), AggregateConfig(labels=False))
    assert names[0] == "v" and "r.mean1_v" in names and "all.max1_v" in names
    assert np.allclose(_col(m, names, "r.deg"), [1, 2, 2, 1])
    assert np.allclose(_col(m, names, "r.mean1_v"), [2, 2.5, 5, 4])
    assert np.allclose(_col(m, names, "r.max1_v"), [2, 4, 8, 4])
    # 2-hop paths that do not return: 0-1-2 (4), 1-2-3 (8), 2-1-0 (1), 3-2-1 (2)
    assert np.allclose(_col(m, names, "r.mean2_v"), [4, 8, 1, 2])
    assert np.isnan(_col(m, names, "s.mean1_v")[1])  # node 1 has no "s" neighbour
    assert np.allclose(_col(m, names, "all.deg"), [2, 2, 2, 2])


def test_label_columns_never_see_the_nodes_own_label() -> None:
    rng = np.random.default_rng(0)
    n = 200
    src, dst = rng.integers(0, n, 600), rng.integers(0, n, 600)
    rels = (Relation("r", src, dst),)
    x = rng.normal(size=(n, 2)).astype(np.float32)
    known = rng.integers(0, 2, n)
    base, names = neighbour_features(x, ("a", "b"), rels, known, seed=3)
    lab = [i for i, c in enumerate(names) if "fraud" in c or "legit" in c]
    for node in (0, 17, 150):
        flipped = known.copy()
        flipped[node] = 1 - flipped[node]
        m, _ = neighbour_features(x, ("a", "b"), rels, flipped, seed=3)
        assert np.array_equal(m[node, lab], base[node, lab], equal_nan=True)
        assert not np.array_equal(m[:, lab], base[:, lab], equal_nan=True)  # others do see it


def test_auc_and_macro_f1() -> None:
    y = np.array([0, 0, 1, 1, 0, 1])
    s = np.array([0.1, 0.4, 0.35, 0.8, 0.2, 0.9])
    assert np.isclose(roc_auc(y, s), 8 / 9)
    assert np.isclose(roc_auc(y, np.ones(6)), 0.5)
    t = best_macro_f1_threshold(y, s)
    f1, gmean = macro_f1_gmean(y, s >= t)
    # t = 0.8 and t = 0.35 tie on F1-macro ((4/5 + 6/7) / 2); the higher threshold is kept
    assert t == 0.8 and np.isclose(f1, (4 / 5 + 6 / 7) / 2) and np.isclose(gmean, np.sqrt(2 / 3))


def test_a_subset_of_rows_gets_exactly_the_full_matrix_rows() -> None:
    """The fit builds candidates on the labelled rows only: their values must not change."""
    rng = np.random.default_rng(1)
    n = 300
    rels = (Relation("r", rng.integers(0, n, 900), rng.integers(0, n, 900)),
            Relation("s", rng.integers(0, n, 200), rng.integers(0, n, 200)))
    x = rng.normal(size=(n, 3)).astype(np.float32)
    x[rng.random((n, 3)) < 0.1] = np.nan
    known = np.where(rng.random(n) < 0.3, rng.integers(0, 2, n), -1)
    full, names = neighbour_features(x, ("a", "b", "c"), rels, known, seed=5)
    rows = np.sort(rng.choice(n, 40, replace=False))[::-1]  # any order
    part, part_names = neighbour_features(x, ("a", "b", "c"), rels, known, seed=5, rows=rows)
    assert part_names == names
    assert np.array_equal(part, full[rows], equal_nan=True)
