"""GraphBoost: gradient-boosted trees on ego + per-relation neighbour aggregates (the scorer).

Why this and not a deeper GNN: on real fraud graphs (FDCompCN, YelpChi; docs/gnn.md) the
project's heterogeneous GraphSAGE lost to trees on the node features alone, as GADBench
reports for many GNNs. Trees on relation-separated 1-2-hop aggregates keep the ego features
apart from the neighbours' (heterophily: a fraudster's neighbours are mostly benign), let each
relation be trusted or ignored (camouflage), and take label-aware neighbour counts (CARE-GNN's
label-aware filtering) as evidence the trees can weigh.

How much of the graph to use is itself measured: the column sets in `BoostConfig.candidates`
(ego only; + neighbour-feature aggregates; + label-aware counts; all) are each fitted, and the
one with the best validation AUC is kept. A graph whose ties say little (FDCompCN: 3.7k edges
on 5.3k companies, hundreds of mostly empty aggregate columns) then costs nothing, and one whose
ties say much (YelpChi's shared users) is used. Test labels never take part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from gnn.aggregate import AggregateConfig, Relation, neighbour_features
from gnn.metrics import roc_auc
from gnn.trees import TreeConfig, Trees, fit_trees

CANDIDATES: dict[str, AggregateConfig] = {
    "ego": AggregateConfig(features=False, labels=False, union=False),
    "features": AggregateConfig(features=True, labels=False),
    "labels": AggregateConfig(features=False, labels=True),
    "features+labels": AggregateConfig(features=True, labels=True),
}


@dataclass(frozen=True)
class BoostConfig:
    candidates: tuple[str, ...] = tuple(CANDIDATES)  # column sets tried; the best on validation is kept
    folds: int = 5  # out-of-fold label-aware columns (gnn/aggregate.py)
    trees: TreeConfig = field(default_factory=TreeConfig)


@dataclass
class BoostModel:
    trees: Trees
    columns: tuple[str, ...]  # design-matrix columns, in order
    chosen: str  # the candidate column set kept
    val_auc: dict[str, float]  # validation AUC of every candidate tried
    config: BoostConfig

    def design(self, x: np.ndarray, names: Sequence[str], relations: Sequence[Relation], known: np.ndarray,
               seed: int) -> np.ndarray:
        """The chosen columns for another graph with the same features (e.g. tomorrow's export)."""
        m, cols = design_matrix(x, names, relations, known, self.chosen, self.config.folds, seed)
        if cols != self.columns:
            missing = sorted(set(self.columns) - set(cols))[:5]
            raise ValueError(f"columns differ from the trained model's (missing e.g. {missing})")
        return m


def design_matrix(x: np.ndarray, names: Sequence[str], relations: Sequence[Relation], known: np.ndarray,
                  candidate: str, folds: int = 5, seed: int = 0,
                  rows: np.ndarray | None = None) -> tuple[np.ndarray, tuple[str, ...]]:
    """float32 [n, k] columns of one candidate set (only `rows`, in order, when given); `known`:
    labels the label-aware columns may use."""
    base = CANDIDATES[candidate]
    agg = AggregateConfig(base.features, base.labels, base.union, folds)
    return neighbour_features(x, names, relations if candidate != "ego" else (), known, agg, seed, rows)


def fit_boost(x: np.ndarray, names: Sequence[str], relations: Sequence[Relation], y: np.ndarray,
              train: np.ndarray, val: np.ndarray, seed: int,
              config: BoostConfig = BoostConfig(), threads: int = 0) -> tuple[BoostModel, np.ndarray]:
    """Fit each candidate on `train` (labels 0/1 in y), keep the best by AUC on `val`.

    Label-aware columns see only the training labels. Returns the model and its fraud
    probability for every node, float32 [n]. Candidates are built and compared on the labelled
    rows only (a row's columns do not depend on which rows are built), and only the kept one
    builds and scores every node (on `threads`; 0: as trained): at 1M accounts and ~10k labels,
    a full design matrix per candidate was most of a nightly fit, and two of them its peak memory.
    """
    known = np.full(len(y), -1, dtype=np.int64)
    known[train] = y[train]
    labelled = np.union1d(train, val)
    tr, va = np.searchsorted(labelled, train), np.searchsorted(labelled, val)
    tried = [c for c in config.candidates if relations or c == "ego"] or ["ego"]
    best: BoostModel | None = None
    aucs: dict[str, float] = {}
    for cand in tried:
        m, cols = design_matrix(x, names, relations, known, cand, config.folds, seed, labelled)
        trees = fit_trees(m, y[labelled], tr, va, seed, config.trees)
        aucs[cand] = roc_auc(y[val].astype(np.int64), trees.predict(m[va], threads))
        if best is None or aucs[cand] > best.val_auc[best.chosen]:
            best = BoostModel(trees, cols, cand, aucs, config)
    assert best is not None
    m, _ = design_matrix(x, names, relations, known, best.chosen, config.folds, seed)
    return best, best.trees.predict(m, threads)


def top_columns(model: BoostModel, k: int = 10) -> list[tuple[str, float]]:
    """The k columns with the largest total gain (why the trees score as they do)."""
    gain = model.trees.gain()
    order = np.argsort(-gain)[:k]
    return [(model.columns[i], float(gain[i])) for i in order if gain[i] > 0]
