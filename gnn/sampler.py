"""Neighbour sampling over numpy CSR, for mini-batch training where full-batch does not fit.

Full-batch training keeps every relation's per-edge messages ([E, hidden] floats) for backward:
about 5 GiB per 100k accounts, so 1M accounts needs ~50 GiB. PyG's `NeighborLoader` would cut
that but needs pyg-lib (not on PyPI) or torch-sparse (a 17-minute source build), so this module
samples by hand, vectorised in numpy: for a batch of seed accounts it takes, per relation, up to
`fanout` in-neighbours of every frontier node, hop by hop (one hop per GNN layer), and returns
the induced HeteroData with the seeds first. Only training uses it; inference stays full-batch
under `torch.no_grad()` (no messages are kept, so it fits where training does not).

Sampling: a node with at most `fanout` in-edges keeps them all (repeated edges included, as
the full graph has them); a busier node gets `fanout` draws of its in-edges with replacement,
repeated draws removed (so it may keep fewer). Every node is a destination in one hop only, so
with an unlimited fanout a seed's logits equal the full-batch ones (tested). Deterministic
given the rng.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch_geometric.data import HeteroData

from gnn.data import ACCOUNT

EdgeType = tuple[str, str, str]


@dataclass(frozen=True)
class Csr:
    """In-edges of one relation grouped by destination: dst d's sources are src[indptr[d]:indptr[d+1]]."""

    indptr: np.ndarray  # int64 [n_dst + 1]
    src: np.ndarray  # int64 [E]


def build_csr(data: HeteroData) -> dict[EdgeType, Csr]:
    """One in-edge CSR per relation of `data` (message direction src -> dst, as SAGEConv uses it)."""
    out: dict[EdgeType, Csr] = {}
    for key in data.edge_types:
        src_t, _, dst_t = key
        ei = data[key].edge_index.numpy()
        order = np.argsort(ei[1], kind="stable")
        counts = np.bincount(ei[1], minlength=data[dst_t].num_nodes)
        indptr = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        out[(src_t, key[1], dst_t)] = Csr(indptr, ei[0][order].astype(np.int64))
    return out


def sample_in_edges(csr: Csr, nodes: np.ndarray, fanout: int,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(src, dst) global indices of up to `fanout` sampled in-edges for each node in `nodes`."""
    start = csr.indptr[nodes]
    deg = csr.indptr[nodes + 1] - start
    small = deg <= fanout
    # all in-edges of low-degree nodes
    s_deg, s_start, s_node = deg[small], start[small], nodes[small]
    total = int(s_deg.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(s_deg) - s_deg, s_deg)
    src_a = csr.src[np.repeat(s_start, s_deg) + offsets]
    dst_a = np.repeat(s_node, s_deg)
    # `fanout` draws with replacement for busy nodes, duplicates removed
    b_deg, b_start, b_node = deg[~small], start[~small], nodes[~small]
    draws = (rng.random((len(b_node), fanout)) * b_deg[:, None]).astype(np.int64)
    pos = (b_start[:, None] + draws).ravel()  # edge positions: distinct per destination's range
    dst_b = np.repeat(b_node, fanout)
    pos, first = np.unique(pos, return_index=True)
    return np.concatenate([src_a, csr.src[pos]]), np.concatenate([dst_a, dst_b[first]])


def _ordered_unique(parts: Sequence[np.ndarray]) -> np.ndarray:
    """Unique values of the concatenation, in order of first appearance (the seeds stay first)."""
    flat = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    _, first = np.unique(flat, return_index=True)
    return flat[np.sort(first)]


def sample_subgraph(data: HeteroData, csr: dict[EdgeType, Csr], seeds: np.ndarray, fanouts: Sequence[int],
                    rng: np.random.Generator) -> HeteroData:
    """The sampled computation graph of `seeds` (distinct account indices): one hop per fanout.

    Returns HeteroData with every node type and relation of `data` (possibly empty), accounts'
    `x` and `y` restricted to the sampled nodes, and the seeds as accounts 0..len(seeds)-1.
    """
    seen: dict[str, list[np.ndarray]] = {t: [] for t in data.node_types}
    seen[ACCOUNT].append(seeds.astype(np.int64))
    frontier: dict[str, np.ndarray] = {ACCOUNT: seeds.astype(np.int64)}
    picked: dict[EdgeType, list[tuple[np.ndarray, np.ndarray]]] = {k: [] for k in csr}
    for fanout in fanouts:
        reached: dict[str, list[np.ndarray]] = {}
        for key, c in csr.items():
            nodes = frontier.get(key[2])
            if nodes is None or not len(nodes):
                continue
            src, dst = sample_in_edges(c, nodes, fanout, rng)
            picked[key].append((src, dst))
            reached.setdefault(key[0], []).append(src)
        frontier = {}
        for t, parts in reached.items():
            new = np.setdiff1d(np.concatenate(parts), np.concatenate(seen[t]) if seen[t] else [])
            seen[t].append(new)
            frontier[t] = new
    out = HeteroData()
    local: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # type -> (sorted global ids, local index of each)
    for t in data.node_types:
        nodes = _ordered_unique(seen[t])
        order = np.argsort(nodes, kind="stable")
        local[t] = (nodes[order], order)
        out[t].x = data[t].x[torch.from_numpy(nodes)]
    out[ACCOUNT].y = data[ACCOUNT].y[torch.from_numpy(_ordered_unique(seen[ACCOUNT]))]
    for key, hops in picked.items():
        if hops:
            src = np.concatenate([h[0] for h in hops])
            dst = np.concatenate([h[1] for h in hops])
            s_sorted, s_pos = local[key[0]]
            d_sorted, d_pos = local[key[2]]
            ei = np.stack([s_pos[np.searchsorted(s_sorted, src)], d_pos[np.searchsorted(d_sorted, dst)]])
        else:
            ei = np.zeros((2, 0), dtype=np.int64)
        out[key].edge_index = torch.from_numpy(ei.astype(np.int64))
    return out


def seed_batches(seeds: np.ndarray, batch_size: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """The seeds shuffled and cut into batches of at most `batch_size`."""
    perm = rng.permutation(seeds)
    for i in range(0, len(perm), batch_size):
        yield perm[i:i + batch_size]
