"""The account-to-account evidence graph that ring candidates are cut from.

Two accounts are linked when they share something (a device, an IP, a delivery or OCR'd label
address, a phone, a call phone), claimed the same coupon within minutes of each other, or behave
alike. A shared thing explains less the more accounts share it, so each pair gets
`base_weight(relation) * 2 / k` for a thing shared by k accounts, and things shared by more than
`max_hub` accounts (campus NAT IPs, parcel lockers, public coupons in a flash sale) add nothing.

Evidence is either *generic* (a device, an IP, a delivery address, an account phone: a family
or flatmates share exactly these) or *ring-specific* (co-timed coupon claims, near-identical
scripted behaviour, one phone calling about several accounts' parcels, one drop address read
off several returned parcels, a delivery address on the fraud list). Generic sharing gets a
low base weight so that a household cannot look as tied as a gang; `RelationInfo.specific`
says which is which, and ring scoring counts only the specific kind as proof of collusion.
Behaviour pairs are down-weighted by the pair's similarity degrees (`2 / sqrt(d_a d_b)`, capped
at 1), so a large scripted crowd, whose pairs grow quadratically, cannot outweigh the shared
devices, IPs and coupon bursts that tell two gangs using the same script apart.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import poisson

from gnn.data import feature_column
from gnn.modalities import dropped_relation
from graph.export_types import EdgeTable, GraphExport


@dataclass(frozen=True)
class RelationInfo:
    modality: str  # EvidenceItem.modality
    kind: str  # EvidenceItem.kind
    base_weight: float  # evidence strength of one thing shared by two accounts
    specific: bool = False  # ring-specific evidence (households do not show it), not generic sharing


# Shared-attribute relations (account -> thing); buys_from is handled by the loop finder.
SHARED: Mapping[str, RelationInfo] = {
    "uses_device": RelationInfo("device", "shared_device", 0.4),
    "uses_ip": RelationInfo("ip", "shared_ip", 0.2),
    "ships_to": RelationInfo("address", "shared_address", 0.3),
    "label_address": RelationInfo("parcels", "drop_address", 1.0, specific=True),
    "has_phone": RelationInfo("phone", "shared_phone", 0.6),
    "called_from": RelationInfo("calls", "call_phone", 1.0, specific=True),
}
# A delivery address on the fraud list shared by several accounts is a drop address, not a home.
LISTED_ADDRESS = RelationInfo("address", "listed_drop_address", 1.0, specific=True)
COUPON = RelationInfo("orders", "co_timed_coupon", 1.0, specific=True)
BEHAVIOUR = RelationInfo("behaviour", "similar_behaviour", 0.5, specific=True)
SPECIFIC_KINDS = frozenset({LISTED_ADDRESS.kind, COUPON.kind, BEHAVIOUR.kind, "loop_order", "repeat_order"}
                           | {r.kind for r in SHARED.values() if r.specific})


@dataclass(frozen=True)
class EvidenceConfig:
    max_hub: int = 30  # a thing shared by more accounts than this is not evidence
    coupon_window_min: float = 10.0  # claims of one coupon this close in time form a burst
    burst_chance: float = 0.001  # keep a burst only if chance (Poisson at the coupon's own rate) is below this
    min_similarity: float = 0.5  # behaves_like pairs below this are ignored
    listed_match: float = 0.8  # an address whose fraud-list match is at least this counts as listed
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


def coupon_bursts(edge: EdgeTable, window_min: float, max_hub: int,
                  max_chance: float = 1.0) -> Iterator[tuple[int, np.ndarray]]:
    """(coupon, accounts) for each burst of claims of one coupon with gaps <= window_min minutes.

    `edge.weight` holds claim times in minutes. A public coupon claimed all day long forms short
    bursts by chance; a burst is kept only when at least that many claims within its span (plus
    one window) are unlikely, P(N >= claims) <= `max_chance` for N ~ Poisson(the coupon's claims
    per minute over the day's claim span x minutes), so only gang-sized bursts count.
    """
    if len(edge.src) == 0:
        return
    order = np.lexsort((edge.weight, edge.dst))
    c, t, a = edge.dst[order], edge.weight[order].astype(np.float64), edge.src[order]
    day = max(float(t.max() - t.min()), 60.0)
    per_coupon = np.bincount(c)
    brk = np.r_[True, (np.diff(c) != 0) | (np.diff(t) > window_min)]
    starts = np.flatnonzero(brk)
    ends = np.r_[starts[1:], len(c)]
    for s, e in zip(starts, ends, strict=True):
        accounts = np.unique(a[s:e])
        if not 2 <= len(accounts) <= max_hub:
            continue
        if max_chance < 1.0:
            lam = per_coupon[c[s]] / day * (t[e - 1] - t[s] + window_min)
            if float(poisson.sf(e - s - 1, lam)) > max_chance:
                continue
        yield int(c[s]), accounts


def listed_addresses(export: GraphExport, min_match: float) -> np.ndarray:
    """bool [n_addresses]: the address is on the fraud list (or matches a listed one closely)."""
    listed = feature_column(export, "address", "fraud_listed")
    return (listed > 0) | (feature_column(export, "address", "max_fraud_match") >= min_match)


def behaviour_pairs(edge: EdgeTable, min_similarity: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, weight) of behaves_like pairs >= min_similarity, weight = sim * min(1, 2/sqrt(d_a d_b)).

    d is the number of such pairs an account is in: the weight a scripted crowd adds grows
    linearly with its size, as a shared thing's does, instead of quadratically.
    """
    ok = edge.weight >= min_similarity
    a, b, sim = edge.src[ok], edge.dst[ok], edge.weight[ok].astype(np.float64)
    if len(a) == 0:
        return a, b, sim
    n = int(max(a.max(), b.max())) + 1
    deg = np.bincount(a, minlength=n) + np.bincount(b, minlength=n)
    return a, b, sim * np.minimum(1.0, 2.0 / np.sqrt(deg[a] * deg[b]))


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
            listed = listed_addresses(export, config.listed_match) if e.relation == "ships_to" else None
            for thing, accounts in shared_groups(e, config.max_hub):
                u, v = _pairs(accounts)
                strength = LISTED_ADDRESS.base_weight if listed is not None and listed[thing] else base
                add(u, v, strength * 2.0 / len(accounts))
        elif e.relation == "claimed":
            base = COUPON.base_weight if base is None else base
            for _, accounts in coupon_bursts(e, config.coupon_window_min, config.max_hub, config.burst_chance):
                u, v = _pairs(accounts)
                add(u, v, base * 2.0 / len(accounts))
        elif e.relation == "behaves_like" and e.dst_type == "account":
            base = BEHAVIOUR.base_weight if base is None else base
            a, b, sim = behaviour_pairs(e, config.min_similarity)
            add(a, b, base * sim)
    if not srcs:
        empty = np.zeros(0, dtype=np.int64)
        return EvidenceGraph(n, empty, empty, np.zeros(0))
    src, dst, w = np.concatenate(srcs), np.concatenate(dsts), np.concatenate(ws)
    key = src * n + dst
    uniq, inv = np.unique(key, return_inverse=True)
    return EvidenceGraph(n, uniq // n, uniq % n, np.bincount(inv, weights=w))
