"""What graph/ hands gnn/: plain numpy tables of nodes and typed edges, no PyG.

gnn/ is the only package that knows PyTorch Geometric; it turns a `GraphExport` into a
`HeteroData` (gnn/data.py). Keeping this boundary numpy-only means graph/ can be tested and
benchmarked without torch, and the export can be cached to disk (`save` / `load`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class NodeTable:
    """Nodes of one type. Row i of `features` belongs to `ids[i]` (the Neo4j key)."""

    ids: tuple[str, ...]
    features: np.ndarray  # float32 [num_nodes, num_features]
    feature_names: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class EdgeTable:
    """Edges of one relation between two node types, as index arrays into the NodeTables."""

    src_type: str
    relation: str
    dst_type: str
    src: np.ndarray  # int64 [num_edges], index into nodes[src_type]
    dst: np.ndarray  # int64 [num_edges], index into nodes[dst_type]
    weight: np.ndarray  # float32 [num_edges]: count, similarity or confidence (relation-specific)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.src_type, self.relation, self.dst_type)


@dataclass(frozen=True)
class GraphExport:
    nodes: Mapping[str, NodeTable]  # node type ("account", "device", ...) -> table
    edges: tuple[EdgeTable, ...]
    window: tuple[str, str]  # inclusive date window (YYYY-MM-DD) the export covers
    account_labels: np.ndarray  # int8 [num_accounts]: 1 fraud, 0 legitimate, -1 unknown (reference/labels.csv)

    def save(self, folder: Path) -> None:
        """Write to `folder` (one .npz + a JSON manifest); atomic per file."""
        folder.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {}
        manifest: dict[str, object] = {"window": list(self.window), "nodes": {}, "edges": []}
        for name, t in self.nodes.items():
            arrays[f"n.{name}.x"] = t.features
            manifest["nodes"][name] = {"ids": list(t.ids), "feature_names": list(t.feature_names)}  # type: ignore[index]
        arrays["account_labels"] = self.account_labels
        for i, e in enumerate(self.edges):
            arrays[f"e.{i}.src"], arrays[f"e.{i}.dst"], arrays[f"e.{i}.w"] = e.src, e.dst, e.weight
            manifest["edges"].append(list(e.key))  # type: ignore[attr-defined]
        tmp = folder / "export.npz.tmp"
        with open(tmp, "wb") as f:
            np.savez(f, **arrays)  # type: ignore[arg-type]
        tmp.replace(folder / "export.npz")
        (folder / "manifest.json.tmp").write_text(json.dumps(manifest, ensure_ascii=False))
        (folder / "manifest.json.tmp").replace(folder / "manifest.json")

    @staticmethod
    def load(folder: Path) -> GraphExport:
        manifest = json.loads((folder / "manifest.json").read_text())
        with np.load(folder / "export.npz") as z:
            nodes = {name: NodeTable(tuple(m["ids"]), z[f"n.{name}.x"], tuple(m["feature_names"]))
                     for name, m in manifest["nodes"].items()}
            edges = tuple(EdgeTable(s, r, d, z[f"e.{i}.src"], z[f"e.{i}.dst"], z[f"e.{i}.w"])
                          for i, (s, r, d) in enumerate(manifest["edges"]))
            labels = z["account_labels"]
        return GraphExport(nodes, edges, tuple(manifest["window"]), labels)
