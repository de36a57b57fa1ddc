"""GraphExport (numpy, from graph/) -> torch_geometric HeteroData, with feature scaling.

Features are transformed with a signed log1p (counts and amounts are heavy-tailed) and then
standardised with statistics fitted on the training export; the fitted `FeatureScaler` is
saved with the model so inference applies exactly the same transform. Every relation gets a
reverse relation `rev_<relation>` so that every node type receives messages (devices learn
from accounts, and accounts from devices) in a 2-layer heterogeneous GNN.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import torch
from torch_geometric.data import HeteroData

from gnn.errors import ExportError
from gnn.modalities import dropped_feature, dropped_relation
from graph.export_types import GraphExport

log = logging.getLogger(__name__)

ACCOUNT = "account"
CONST = "__const__"  # a constant column for node types left with no feature (after an ablation)


@dataclass(frozen=True)
class FeatureScaler:
    """Per node type: the feature names the model uses, in order, and their mean/std after log1p."""

    names: Mapping[str, tuple[str, ...]]
    mean: Mapping[str, tuple[float, ...]]
    std: Mapping[str, tuple[float, ...]]

    def to_json(self) -> dict[str, object]:
        return {t: {"names": list(self.names[t]), "mean": list(self.mean[t]), "std": list(self.std[t])}
                for t in self.names}

    @staticmethod
    def from_json(obj: Mapping[str, Mapping[str, list]]) -> FeatureScaler:
        return FeatureScaler({t: tuple(v["names"]) for t, v in obj.items()},
                             {t: tuple(float(x) for x in v["mean"]) for t, v in obj.items()},
                             {t: tuple(float(x) for x in v["std"]) for t, v in obj.items()})


def feature_column(export: GraphExport, node_type: str, name: str, default: float = 0.0) -> np.ndarray:
    """Raw column `name` of `node_type` looked up by name, or `default` everywhere when absent."""
    table = export.nodes.get(node_type)
    if table is None:
        return np.zeros(0, dtype=np.float32)
    if name in table.feature_names:
        return np.asarray(table.features[:, table.feature_names.index(name)], dtype=np.float32)
    return np.full(len(table), default, dtype=np.float32)


def _signed_log1p(x: np.ndarray) -> np.ndarray:
    return (np.sign(x) * np.log1p(np.abs(x))).astype(np.float32)


def _selected(export: GraphExport, node_type: str, names: tuple[str, ...]) -> np.ndarray:
    table = export.nodes[node_type]
    n = len(table)
    cols = []
    for name in names:
        if name == CONST:
            cols.append(np.ones(n, dtype=np.float32))
        elif name in table.feature_names:
            cols.append(table.features[:, table.feature_names.index(name)].astype(np.float32))
        else:
            log.warning("feature %s.%s missing from this export; filled with the training mean", node_type, name)
            cols.append(np.full(n, np.nan, dtype=np.float32))
    return np.stack(cols, axis=1) if cols else np.zeros((n, 0), dtype=np.float32)


def validate(export: GraphExport) -> None:
    """Raise ExportError when the export cannot be scored."""
    if ACCOUNT not in export.nodes or len(export.nodes[ACCOUNT]) == 0:
        raise ExportError("the graph export has no account nodes; check that graph load ran for this window")
    if len(export.account_labels) != len(export.nodes[ACCOUNT]):
        raise ExportError(f"account_labels has {len(export.account_labels)} entries for "
                          f"{len(export.nodes[ACCOUNT])} accounts; re-export the graph")
    for e in export.edges:
        for side, typ in ((e.src, e.src_type), (e.dst, e.dst_type)):
            if typ not in export.nodes:
                raise ExportError(f"relation {e.key} names node type {typ!r} that the export lacks")
            if len(side) and (side.min() < 0 or side.max() >= len(export.nodes[typ])):
                raise ExportError(f"relation {e.key} indexes past the {typ} table; re-export the graph")


def fit_scaler(export: GraphExport, drop: frozenset[str] = frozenset()) -> FeatureScaler:
    """Choose features (minus the dropped modalities) and fit their mean/std on `export`."""
    names: dict[str, tuple[str, ...]] = {}
    mean: dict[str, tuple[float, ...]] = {}
    std: dict[str, tuple[float, ...]] = {}
    for t, table in export.nodes.items():
        if len(table) == 0:
            continue
        kept = tuple(n for n in table.feature_names if not dropped_feature(n, drop)) or (CONST,)
        x = _signed_log1p(_selected(export, t, kept))
        names[t] = kept
        mean[t] = tuple(float(v) for v in x.mean(axis=0))
        std[t] = tuple(float(v) if v > 1e-6 else 1.0 for v in x.std(axis=0))
    return FeatureScaler(names, mean, std)


def to_hetero_data(export: GraphExport, scaler: FeatureScaler | None = None,
                   drop: frozenset[str] = frozenset()) -> tuple[HeteroData, FeatureScaler]:
    """Build the HeteroData the model consumes.

    Node type t gets `x` float32 [n_t, len(scaler.names[t])]; accounts also get `y` int64 [n]
    (1 fraud, 0 legit, -1 unknown). Relations from a dropped modality are left out; every kept
    relation (s, r, d) also appears reversed as (d, "rev_" + r, s). Node types with no nodes are
    left out with their relations. Pass the scaler saved with a model to score a new export.
    """
    validate(export)
    scaler = scaler or fit_scaler(export, drop)
    data = HeteroData()
    for t, kept in scaler.names.items():
        if t not in export.nodes or len(export.nodes[t]) == 0:
            continue
        x = _signed_log1p(_selected(export, t, kept))
        mu, sd = np.asarray(scaler.mean[t], dtype=np.float32), np.asarray(scaler.std[t], dtype=np.float32)
        x = np.where(np.isnan(x), mu, x)
        data[t].x = torch.from_numpy((x - mu) / sd)
    data[ACCOUNT].y = torch.from_numpy(export.account_labels.astype(np.int64))
    for e in export.edges:
        if dropped_relation(e.relation, drop) or e.src_type not in data.node_types \
                or e.dst_type not in data.node_types:
            continue
        ei = torch.from_numpy(np.stack([e.src, e.dst]).astype(np.int64))
        data[e.src_type, e.relation, e.dst_type].edge_index = ei
        data[e.dst_type, "rev_" + e.relation, e.src_type].edge_index = ei.flip(0)
    return data, scaler
