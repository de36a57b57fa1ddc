"""Closed loops in the buyer -> seller order flow: the shape of a brushing ring.

Strongly connected components of the account-level buys_from graph (scipy, linear time) give
the candidate loops; a bounded simple-cycle search (networkx) confirms that a component holds a
cycle of at least three accounts and keeps the accounts on such cycles. Components larger than
`max_component` (a marketplace where shops also buy from shops) are first thinned to pairs with
at least `min_orders` orders, since brushing repeats orders along the loop. Two loops joined by
a stray order each way form one component; it is split where removing a single buyer->seller
pair leaves two or more strongly connected parts of at least `min_size` accounts that together
keep >= 90% of the accounts (cutting one edge of a real loop, even one with a few chords, leaves
no cycle or only a short one through a chord).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

import networkx as nx
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from graph.export_types import GraphExport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoopConfig:
    min_size: int = 3
    max_component: int = 200
    min_orders: float = 2.0  # orders per buyer->seller pair when thinning a large component
    max_cycle_len: int = 64  # bound of the cycle search (the simulator plants a 37-account loop)
    max_cycles: int = 2000  # stop enumerating after this many cycles per component
    # Money stars (`repeat_stars`): a shop whose distinct buyers came back to it within the window.
    star_min_repeat: int = 3  # buyers with >= 2 orders into the shop ...
    star_min_share: float = 0.25  # ... and at least this share of all its buyers
    star_max_buyers: int = 150  # larger shops are not reported as one ring (RingConfig.max_size)
    repeat_stars: bool = True  # False: no star candidates in the hand-set ring search (before issue 18)


@dataclass(frozen=True)
class Loop:
    members: tuple[int, ...]  # account indices, sorted
    edges: tuple[tuple[int, int, float], ...]  # (buyer, seller, orders) inside the loop


def buys_from_pairs(export: GraphExport) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct buyer->seller account pairs (no self-orders) with summed order counts."""
    n = len(export.nodes["account"])
    parts = [e for e in export.edges if e.relation == "buys_from" and e.src_type == e.dst_type == "account"]
    if not parts:
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0)
    src = np.concatenate([e.src for e in parts])
    dst = np.concatenate([e.dst for e in parts])
    w = np.concatenate([e.weight for e in parts]).astype(np.float64)
    ok = src != dst
    key = src[ok] * n + dst[ok]
    uniq, inv = np.unique(key, return_inverse=True)
    return uniq // n, uniq % n, np.bincount(inv, weights=w[ok])


def _components(n: int, src: np.ndarray, dst: np.ndarray, min_size: int) -> list[np.ndarray]:
    if len(src) == 0:
        return []
    m = coo_matrix((np.ones(len(src)), (src, dst)), shape=(n, n)).tocsr()
    _, label = connected_components(m, directed=True, connection="strong")
    counts = np.bincount(label)
    return [np.flatnonzero(label == c) for c in np.flatnonzero(counts >= min_size)]


def _inside(nodes: np.ndarray, src: np.ndarray, dst: np.ndarray, n: int) -> np.ndarray:
    """Boolean mask of the edges with both ends in `nodes` (a membership table: np.isin sorts)."""
    member = np.zeros(n, dtype=bool)
    member[nodes] = True
    return member[src] & member[dst]


def _split(nodes: np.ndarray, src: np.ndarray, dst: np.ndarray, n: int, min_size: int,
           depth: int = 0) -> list[np.ndarray]:
    """Split a strongly connected component at a single edge that joins two loops (recursively).

    Each trial cut is solved on the component alone, its nodes numbered 0..k-1 in their order:
    the same components as on the whole graph, without a pass over all n accounts per edge
    (that pass was most of the ring search at 300k accounts)."""
    inside = np.flatnonzero(_inside(nodes, src, dst, n))
    if depth < 8 and len(nodes) >= 2 * min_size and len(inside) <= 2000:
        local_src, local_dst = np.searchsorted(nodes, src[inside]), np.searchsorted(nodes, dst[inside])
        best: list[np.ndarray] = []
        for j in range(len(inside)):
            keep = np.arange(len(inside)) != j
            parts = [nodes[p] for p in _components(len(nodes), local_src[keep], local_dst[keep], min_size)]
            # a join: the parts keep nearly every account (cutting a loop with chords drops many); of all such
            # cuts the one that keeps the most (the first found cut a 37-loop joined to an 8-loop 7 + 35)
            kept = sum(len(p) for p in parts)
            if len(parts) >= 2 and kept >= 0.9 * len(nodes) and kept > sum(len(p) for p in best):
                best = parts
                if kept == len(nodes):
                    break
        if best:
            return [q for p in best for q in _split(p, src, dst, n, min_size, depth + 1)]
    return [nodes]


def _on_cycles(nodes: np.ndarray, src: np.ndarray, dst: np.ndarray, w: np.ndarray, n: int,
               config: LoopConfig) -> Loop | None:
    inside = _inside(nodes, src, dst, n)
    g = nx.DiGraph()
    g.add_weighted_edges_from(zip(src[inside].tolist(), dst[inside].tolist(), w[inside].tolist(), strict=True))
    on: set[int] = set()
    for cycle in islice(nx.simple_cycles(g, length_bound=config.max_cycle_len), config.max_cycles):
        if len(cycle) >= 3:
            on.update(cycle)
    if len(on) < config.min_size:
        return None
    edges = tuple((int(a), int(b), float(d["weight"])) for a, b, d in g.edges(data=True) if a in on and b in on)
    return Loop(tuple(sorted(int(x) for x in on)), edges)


def find_loops(export: GraphExport, config: LoopConfig = LoopConfig()) -> list[Loop]:
    n = len(export.nodes["account"])
    src, dst, w = buys_from_pairs(export)
    loops = []
    for comp in _components(n, src, dst, config.min_size):
        parts = [comp]
        if len(comp) > config.max_component:  # thin to repeated-order pairs and split again
            heavy = (w >= config.min_orders) & _inside(comp, src, dst, n)
            parts = [p for p in _components(n, src[heavy], dst[heavy], config.min_size)
                     if len(p) <= config.max_component]
            if not parts:
                log.info("skipped a %d-account order component with no small repeated-order loop", len(comp))
        for p in [q for part in parts for q in _split(part, src, dst, n, config.min_size)]:
            loop = _on_cycles(p, src, dst, w, n, config)
            if loop is not None:
                loops.append(loop)
    return loops


def find_stars(export: GraphExport, min_buyers: int = 3, max_buyers: int = 30) -> list[np.ndarray]:
    """A shop and its distinct buyers, for shops with `min_buyers`..`max_buyers` of them.

    Money that flows one way into a shop leaves no cycle; these are candidates only (most are
    ordinary small shops), to be scored on their evidence mix (gnn/ring_model.py). Popular shops
    (more buyers than `max_buyers`, the evidence graph's hub limit) are not candidates.
    """
    return [np.unique(np.r_[shop, buyers]) for shop, buyers, _ in shop_groups(export)
            if min_buyers <= len(buyers) <= max_buyers]


def shop_groups(export: GraphExport) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """(shop, its buyers, each buyer's orders into it) for every account someone bought from."""
    src, dst, w = buys_from_pairs(export)
    order = np.argsort(dst, kind="stable")
    src, dst, w = src[order], dst[order], w[order]
    shops, starts, counts = np.unique(dst, return_index=True, return_counts=True)
    for shop, s, c in zip(shops.tolist(), starts.tolist(), counts.tolist(), strict=True):
        yield int(shop), src[s:s + c], w[s:s + c]


@dataclass(frozen=True)
class Star:
    shop: int  # account index of the shop
    members: tuple[int, ...]  # the shop and its distinct buyers, sorted
    repeat: tuple[tuple[int, float], ...]  # (buyer, orders into the shop) for buyers with >= 2 orders


def repeat_stars(export: GraphExport, config: LoopConfig = LoopConfig(), exclude: frozenset[int] = frozenset()) -> list[Star]:
    """Shops where several distinct buyers ordered more than once within the window: money one way.

    Fake orders into one shop repeat (the point is volume), but leave no cycle when nobody buys
    back. An ordinary shop's customers rarely come back the same day or two: on the simulated
    worlds at most 3 of an ordinary shop's buyers and at most 8% of them did (the 37-loop's
    shops 0-2 buyers, 25%), a money star's 32-60%. A shop is a candidate when at least
    `star_min_repeat` buyers and `star_min_share` of all its buyers placed >= 2 orders with it;
    a star whose members are mostly in `exclude` (accounts on an order loop, which already
    explains their orders: the 37-loop's shops) is skipped.
    """
    out = []
    for shop, buyers, orders in shop_groups(export):
        c = len(buyers)
        if c > config.star_max_buyers or sum(int(b) in exclude for b in (shop, *buyers.tolist())) * 2 > c + 1:
            continue
        rep = orders >= 2
        if int(rep.sum()) >= config.star_min_repeat and float(rep.mean()) >= config.star_min_share:
            out.append(Star(shop, tuple(sorted({shop, *buyers.tolist()})),
                            tuple((int(b), float(n)) for b, n in zip(buyers[rep].tolist(), orders[rep].tolist(),
                                                                         strict=True))))
    return out
