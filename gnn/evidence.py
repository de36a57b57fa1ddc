"""The account-to-account evidence graph that ring candidates are cut from.

Two accounts are linked when they share something (a device, an IP, a delivery or OCR'd label
address, a phone, a call phone), claimed the same coupon within minutes of each other, or behave
alike. A shared thing explains less the more accounts share it, so each pair gets
`base_weight(relation) * 2 / k` for a thing shared by k accounts, and things shared by more than
`max_hub` accounts (campus NAT IPs, parcel lockers, public coupons in a flash sale) add nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

from gnn.modalities import dropped_relation
from graph.export_types import EdgeTable, GraphExport


@dataclass(frozen=True)
class RelationInfo:
    modality: str  # EvidenceItem.modality
    kind: str  # EvidenceItem.kind
    base_weight: float  # evidence strength of one thing shared by two accounts


# Shared-attribute relations (account -> thing); buys_from is handled by the loop finder.
SHARED: Mapping[str, RelationInfo] = {
    "uses_device": RelationInfo("device", "shared_device", 1.0),
    "uses_ip": RelationInfo("ip", "shared_ip", 0.5),
    "ships_to": RelationInfo("address", "shared_address", 0.6),
    "label_address": RelationInfo("parcels", "drop_address", 1.0),
    "has_phone": RelationInfo("phone", "shared_phone", 1.0),
    "called_from": RelationInfo("calls", "call_phone", 1.0),
}
COUPON = RelationInfo("orders", "co_timed_coupon", 1.0)
BEHAVIOUR = RelationInfo("behaviour", "similar_behaviour", 1.0)


@dataclass(frozen=True)
class EvidenceConfig:
    max_hub: int = 30  # a thing shared by more accounts than this is not evidence
    coupon_window_min: float = 10.0  # claims of one coupon this close in time form a burst
    min_similarity: float = 0.5  # behaves_like pairs below this are ignored
    relation_weight: Mapping[str, float] = field(default_factory=dict)  # overrides of base weights


@dataclass(frozen=True)
class EvidenceGraph:
    """Undirected weighted account pairs, i < j, one row per pair (weights summed over evidence)."""

    n_accounts: int
    src: np.ndarray  # int64 [m]
    dst: np.ndarray  # int64 [m]
    weight: np.ndarray  # float64 [m]


def _groups(src: np.ndarray, dst: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """(thing index, distinct accounts attached) for every thing with at least two accounts."""
    if len(src) == 0:
        return
    order = np.lexsort((src, dst))
    s, d = src[order], dst[order]
    keep = np.r_[True, (np.diff(d) != 0) | (np.diff(s) != 0)]  # distinct (thing, account)
    s, d = s[keep], d[keep]
    starts = np.r_[0, np.flatnonzero(np.diff(d)) + 1]
    ends = np.r_[starts[1:], len(d)]
    for a, b in zip(starts[ends - starts >= 2], ends[ends - starts >= 2], strict=True):
        yield int(d[a]), s[a:b]


def shared_groups(edge: EdgeTable, max_hub: int) -> Iterator[tuple[int, np.ndarray]]:
    """Things of `edge`'s destination type shared by 2..max_hub accounts."""
    for thing, accounts in _groups(edge.src, edge.dst):
        if len(accounts) <= max_hub:
            yield thing, accounts


def coupon_bursts(edge: EdgeTable, window_min: float, max_hub: int) -> Iterator[tuple[int, np.ndarray]]:
    """(coupon, accounts) for each burst of claims of one coupon with gaps <= window_min minutes."""
    order = np.lexsort((edge.weight, edge.dst))
    c, t, a = edge.dst[order], edge.weight[order].astype(np.float64), edge.src[order]
    brk = np.r_[True, (np.diff(c) != 0) | (np.diff(t) > window_min)]
    starts = np.flatnonzero(brk)
    ends = np.r_[starts[1:], len(c)]
    for s, e in zip(starts, ends, strict=True):
        accounts = np.unique(a[s:e])
        if 2 <= len(accounts) <= max_hub:
            yield int(c[s]), accounts


def _pairs(accounts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    i, j = np.triu_indices(len(accounts), k=1)
    return accounts[i], accounts[j]


def build_evidence_graph(export: GraphExport, config: EvidenceConfig = EvidenceConfig(),
                         drop: frozenset[str] = frozenset()) -> EvidenceGraph:
    n = len(export.nodes["account"])
    srcs: list[np.ndarray] = []
    dsts: list[np.ndarray] = []
    ws: list[np.ndarray] = []

    def add(u: np.ndarray, v: np.ndarray, w: np.ndarray | float) -> None:
        lo, hi = np.minimum(u, v), np.maximum(u, v)
        ok = lo != hi
        srcs.append(lo[ok])
        dsts.append(hi[ok])
        ws.append(np.broadcast_to(np.asarray(w, dtype=np.float64), lo.shape)[ok])

    for e in export.edges:
        if e.src_type != "account" or dropped_relation(e.relation, drop):
            continue
        base = config.relation_weight.get(e.relation)
        if e.relation in SHARED:
            base = SHARED[e.relation].base_weight if base is None else base
            for _, accounts in shared_groups(e, config.max_hub):
                u, v = _pairs(accounts)
                add(u, v, base * 2.0 / len(accounts))
        elif e.relation == "claimed":
            base = COUPON.base_weight if base is None else base
            for _, accounts in coupon_bursts(e, config.coupon_window_min, config.max_hub):
                u, v = _pairs(accounts)
                add(u, v, base * 2.0 / len(accounts))
        elif e.relation == "behaves_like" and e.dst_type == "account":
            base = BEHAVIOUR.base_weight if base is None else base
            ok = e.weight >= config.min_similarity
            add(e.src[ok], e.dst[ok], base * e.weight[ok].astype(np.float64))
    if not srcs:
        empty = np.zeros(0, dtype=np.int64)
        return EvidenceGraph(n, empty, empty, np.zeros(0))
    src, dst, w = np.concatenate(srcs), np.concatenate(dsts), np.concatenate(ws)
    key = src * n + dst
    uniq, inv = np.unique(key, return_inverse=True)
    return EvidenceGraph(n, uniq // n, uniq % n, np.bincount(inv, weights=w))
