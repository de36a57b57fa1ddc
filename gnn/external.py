"""Any labelled graph in two Parquet files -> a `LabelledGraph` (`riskgraph gnn fit`).

nodes.parquet: `node_id`, `label` (1 fraud, 0 legit, null unknown), numeric feature columns,
optional `split` (train / val / test). edges.parquet: `relation`, `src`, `dst` (node ids).
Bad rows are quarantined with their reason, never dropped silently: a duplicate node id (the
first row wins), a label other than 0/1/null (kept as unknown), a split other than
train/val/test (the node is then split like an unsplit one), an edge naming an unknown node.
Without a usable `split`, labelled nodes get CARE-GNN's stratified 40/20/40 split.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gnn.aggregate import Relation
from gnn.errors import ExportError

log = logging.getLogger(__name__)

SPLITS = ("train", "val", "test")
RESERVED = ("node_id", "label", "split")


@dataclass(frozen=True)
class LabelledGraph:
    ids: np.ndarray  # [n] node ids as given (any dtype)
    x: np.ndarray  # float32 [n, f]
    feature_names: tuple[str, ...]
    y: np.ndarray  # int8 [n]: 1 fraud, 0 legit, -1 unknown
    split: np.ndarray  # <U5 [n]: train | val | test | "" (unlabelled or unsplit)
    relations: tuple[Relation, ...]

    def indices(self, part: str) -> np.ndarray:
        return np.flatnonzero((self.split == part) & (self.y >= 0))


def _require(df: pd.DataFrame, path: Path, cols: tuple[str, ...]) -> None:
    for c in cols:
        if c not in df.columns:
            raise ExportError(f"{path} lacks the required column {c!r}")


def read_graph(nodes_path: Path, edges_path: Path, quarantine_dir: Path | None = None,
               seed: int = 7, fractions: tuple[float, float, float] = (0.4, 0.2, 0.4)) -> LabelledGraph:
    """Read, validate and (where no split ships) split; quarantined rows go to `quarantine_dir`."""
    try:
        nodes, edges = pd.read_parquet(nodes_path), pd.read_parquet(edges_path)
    except (OSError, ValueError) as e:
        raise ExportError(f"cannot read the graph: {e}") from e
    _require(nodes, nodes_path, ("node_id", "label"))
    _require(edges, edges_path, ("relation", "src", "dst"))
    bad: list[pd.DataFrame] = []
    dup = nodes["node_id"].duplicated()
    bad.append(nodes[dup].assign(reason="duplicate node_id (first row kept)"))
    nodes = nodes[~dup].reset_index(drop=True)
    feats = [c for c in nodes.columns if c not in RESERVED]
    for c in feats:
        if not (pd.api.types.is_numeric_dtype(nodes[c]) or pd.api.types.is_bool_dtype(nodes[c])):
            raise ExportError(f"{nodes_path}: feature column {c!r} is not numeric ({nodes[c].dtype}); "
                              "encode it or drop it")
    label = pd.to_numeric(nodes["label"], errors="coerce")
    odd = nodes["label"].notna() & ~label.isin([0, 1])
    bad.append(nodes[odd].assign(reason="label not 0, 1 or null (kept as unknown)"))
    y = np.where(label.isin([0, 1]), label.fillna(-1), -1).astype(np.int8)
    split = np.full(len(nodes), "", dtype="<U5")
    if "split" in nodes.columns:
        s = nodes["split"].astype("string").str.lower()
        ok = s.isin(SPLITS).fillna(False).to_numpy(bool)
        split[ok] = s[ok].to_numpy(str)
        wrong = nodes["split"].notna().to_numpy(bool) & ~ok
        bad.append(nodes[wrong].assign(reason="split not train/val/test (split like an unsplit node)"))
    todo = (y >= 0) & (split == "")
    if todo.any():
        split[todo] = stratified_split(y[todo], fractions, np.random.default_rng(seed))
        log.info("%d labelled nodes without a split: stratified %s split (seed %d)", todo.sum(), fractions, seed)
    index = pd.Series(np.arange(len(nodes)), index=nodes["node_id"].to_numpy())
    src = index.reindex(edges["src"].to_numpy()).to_numpy()
    dst = index.reindex(edges["dst"].to_numpy()).to_numpy()
    unknown = np.isnan(src) | np.isnan(dst)
    bad.append(edges[unknown].assign(reason="edge endpoint is not a node_id in nodes.parquet"))
    rel = edges["relation"].astype(str).to_numpy()[~unknown]
    src, dst = src[~unknown].astype(np.int64), dst[~unknown].astype(np.int64)
    relations = tuple(Relation(r, src[rel == r], dst[rel == r]) for r in sorted(set(rel.tolist())))
    _quarantine(bad, quarantine_dir)
    x = nodes[feats].to_numpy(dtype=np.float32, na_value=np.nan) if feats else np.zeros((len(nodes), 0), np.float32)
    if not (y == 1).any() or not (y == 0).any():
        raise ExportError(f"{nodes_path} needs both fraud (1) and legit (0) labels to train")
    return LabelledGraph(nodes["node_id"].to_numpy(), x, tuple(feats), y, split, relations)


def stratified_split(y: np.ndarray, fractions: tuple[float, float, float], rng: np.random.Generator) -> np.ndarray:
    """train/val/test per node of 0/1 labels `y`, each class split in `fractions`."""
    out = np.empty(len(y), dtype="<U5")
    for cls in (0, 1):
        idx = rng.permutation(np.flatnonzero(y == cls))
        cut1 = int(round(len(idx) * fractions[0]))
        cut2 = cut1 + int(round(len(idx) * fractions[1]))
        out[idx[:cut1]], out[idx[cut1:cut2]], out[idx[cut2:]] = "train", "val", "test"
    return out


def _quarantine(bad: list[pd.DataFrame], folder: Path | None) -> None:
    rows = [b.astype(str) for b in bad if len(b)]
    if not rows:
        if folder is not None:
            (folder / "graph_rows.parquet").unlink(missing_ok=True)  # a fixed input leaves no stale rows
        return
    for b in rows:
        log.warning("quarantined %d rows: %s", len(b), b["reason"].iloc[0])
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        pd.concat(rows, ignore_index=True).to_parquet(folder / "graph_rows.parquet", index=False)
