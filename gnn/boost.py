"""GraphBoost: gradient-boosted trees on ego + per-relation neighbour aggregates (the scorer).

Why this and not a deeper GNN: on real fraud graphs (FDCompCN, YelpChi; docs/gnn.md) the
project's heterogeneous GraphSAGE lost to trees on the node features alone, as GADBench
reports for many GNNs. Trees on relation-separated 1-2-hop aggregates keep the ego features
apart from the neighbours' (heterophily: a fraudster's neighbours are mostly benign), let each
relation be trusted or ignored (camouflage), and take label-aware neighbour counts (CARE-GNN's
label-aware filtering) as evidence the trees can weigh. Optionally the GNN's logit joins the
columns (`gnn_logit`), chosen on validation only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from gnn.aggregate import AggregateConfig, Relation, neighbour_features
from gnn.trees import TreeConfig, Trees, fit_trees


@dataclass(frozen=True)
class BoostConfig:
    aggregate: AggregateConfig = field(default_factory=AggregateConfig)
    trees: TreeConfig = field(default_factory=TreeConfig)


@dataclass
class BoostModel:
    trees: Trees
    columns: tuple[str, ...]  # design-matrix columns, in order
    config: BoostConfig


def design_matrix(x: np.ndarray, names: Sequence[str], relations: Sequence[Relation], known: np.ndarray,
                  config: BoostConfig, seed: int = 0, extra: np.ndarray | None = None,
                  extra_names: Sequence[str] = ()) -> tuple[np.ndarray, tuple[str, ...]]:
    """float32 [n, k] columns for the trees; `known`: labels the label-aware columns may use."""
    m, cols = neighbour_features(x, names, relations, known, config.aggregate, seed)
    if extra is not None:
        m, cols = np.concatenate([m, extra.astype(np.float32)], axis=1), cols + tuple(extra_names)
    return m, cols


def fit_boost(m: np.ndarray, columns: tuple[str, ...], y: np.ndarray, train: np.ndarray, val: np.ndarray,
              seed: int, config: BoostConfig) -> BoostModel:
    """Trees on design-matrix rows `train`, early-stopped on `val` (labels 0/1 in y)."""
    return BoostModel(fit_trees(m, y, train, val, seed, config.trees), columns, config)


def top_columns(model: BoostModel, k: int = 10) -> list[tuple[str, float]]:
    """The k columns with the largest total gain (why the trees score as they do)."""
    gain = np.asarray(model.trees.booster.feature_importance("gain", iteration=model.trees.rounds), dtype=float)
    order = np.argsort(-gain)[:k]
    return [(model.columns[i], float(gain[i])) for i in order if gain[i] > 0]
