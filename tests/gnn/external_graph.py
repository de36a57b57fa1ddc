"""A small labelled graph in `riskgraph gnn fit`'s Parquet format, written by hand for tests.

600 nodes, ~8% fraud in rings of 6: each ring shares devices (relation `device`, a clique),
fraudsters also trade with random legit nodes (`trade`, camouflage), and legit nodes share a
device in pairs. The one feature that differs by class (`weak`) is drowned in noise, so the
node features alone rank fraud poorly and the rings' ties carry the signal. Also holds bad rows
that must be quarantined: a duplicate node id, a label of 3, an edge to an unknown node.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def write_graph(folder: Path, seed: int = 0, n: int = 600, ring: int = 6) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    n_fraud = 8 * ring
    y = np.zeros(n, dtype=int)
    y[:n_fraud] = 1
    ids = [f"c{i:04d}" for i in range(n)]
    label = pd.array(y, dtype="Int64")
    label[rng.choice(np.arange(n_fraud, n), 60, replace=False)] = pd.NA  # unlabelled legit-looking nodes
    nodes = pd.DataFrame({"node_id": ids, "label": label,
                          "weak": y * 0.5 + rng.normal(0, 1.5, n), "noise": rng.normal(0, 1, n),
                          "count": rng.poisson(3, n)})
    edges = []
    for r in range(0, n_fraud, ring):
        members = range(r, r + ring)
        edges += [("device", ids[a], ids[b]) for a in members for b in members if a < b]
    legit = rng.permutation(np.arange(n_fraud, n))
    edges += [("device", ids[a], ids[b]) for a, b in zip(legit[0::2], legit[1::2], strict=False)]
    for a in range(n_fraud):
        edges += [("trade", ids[a], ids[int(b)]) for b in rng.choice(np.arange(n_fraud, n), 3, replace=False)]
    for _ in range(n):
        a, b = rng.integers(n_fraud, n, 2)
        edges.append(("trade", ids[int(a)], ids[int(b)]))
    edges.append(("trade", ids[0], "ghost"))  # bad: unknown endpoint
    bad_nodes = pd.DataFrame({"node_id": [ids[5], "odd"], "label": pd.array([0, 3], dtype="Int64"),
                              "weak": [0.0, 0.0], "noise": [0.0, 0.0], "count": [0, 0]})
    nodes = pd.concat([nodes, bad_nodes], ignore_index=True)  # a duplicate id and a label of 3
    folder.mkdir(parents=True, exist_ok=True)
    nodes.to_parquet(folder / "nodes.parquet", index=False)
    pd.DataFrame(edges, columns=["relation", "src", "dst"]).to_parquet(folder / "edges.parquet", index=False)
    return folder / "nodes.parquet", folder / "edges.parquet"
