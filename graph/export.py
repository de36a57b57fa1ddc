"""Neo4j → GraphExport: the account graph gnn/ learns on, for a window of days.

Each feature group and each relation is one aggregate query streamed column by column, then
joined on the account index in numpy, so memory grows with the result, not with Python objects
per row. The contract (node types, feature names, relations and weight meanings) is documented
in docs/graph.md; gnn/ looks features up by name.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date as Date
from typing import Any

import numpy as np

from graph.export_types import EdgeTable, GraphExport, NodeTable
from graph.store import GraphStore

log = logging.getLogger(__name__)

INTENTS = ("refund", "not_received", "empty_parcel", "damaged", "wrong_item", "coupon", "account_access")

# The behaviour-fingerprint properties present on any account (names come back as data, never
# spliced into Cypher), then one row per account with just those values: no property map per row.
_FP_NAMES = """
MATCH (a:Account) UNWIND keys(a) AS k
WITH DISTINCT k WHERE k STARTS WITH 'fp_'
RETURN k ORDER BY k
"""

# created_at as epoch seconds: a driver DateTime object per account cost most of this query's time.
_ACCOUNTS = """
MATCH (a:Account)
RETURN a.account_id AS id, a.created_at.epochSeconds AS created_s, a.label AS label, [k IN $fp | a[k]] AS fp
ORDER BY id
"""

# Per-account aggregates; each returns `id` plus numeric columns named as features. n_devices and
# n_ips (distinct devices / IPs an account used) are counted from the uses_device / uses_ip edge
# tables, which hold one row per distinct pair: the same numbers without a second pass over the links.
_FEATURE_QUERIES: tuple[str, ...] = (
    """MATCH (a:Account)-[:PLACED]->(o:Order) WHERE o.date >= $start AND o.date <= $end
       WITH a, count(o) AS n, avg(o.amount) AS mean, stDev(o.amount) AS sd,
            sum(CASE WHEN o.coupon_id IS NULL THEN 0 ELSE 1 END) AS coupons
       RETURN a.account_id AS id, n AS n_orders, mean AS amount_mean,
              CASE WHEN mean > 0 THEN sd / mean ELSE 0.0 END AS amount_cv, toFloat(coupons) / n AS coupon_frac""",
    """MATCH (o:Order)-[:SOLD_BY]->(a:Account) WHERE o.date >= $start AND o.date <= $end
       RETURN a.account_id AS id, count(o) AS n_sales""",
    """MATCH (a:Account)-[:REQUESTED]->(r:Return) WHERE r.date >= $start AND r.date <= $end
       RETURN a.account_id AS id, count(r) AS n_returns""",
    """MATCH (a:Account)-[:MADE_CALL]->(c:Call) WHERE c.date >= $start AND c.date <= $end
       RETURN a.account_id AS id, count(c) AS n_calls, collect(coalesce(c.intents, [])) AS intents""",
    """MATCH (a:Account)-[:REQUESTED]->(:Return)-[:HAS_PARCEL]->(:Parcel)-[:LABEL_ADDRESS]->(ad:Address)
       RETURN a.account_id AS id, max(coalesce(ad.max_fraud_match, 0.0)) AS max_fraud_match""",
    """MATCH (a:Account)-[:BEHAVES_LIKE]-(b:Account) RETURN a.account_id AS id, count(DISTINCT b) AS n_similar""",
)

# (src_type, relation, dst_type, query returning src, dst, w)
_EDGE_QUERIES: tuple[tuple[str, str, str, str], ...] = (
    ("account", "uses_device", "device",
     "MATCH (a:Account)-[u:USES_DEVICE]->(d:Device) RETURN a.account_id AS src, d.device_id AS dst, sum(u.n) AS w"),
    ("account", "uses_ip", "ip",
     "MATCH (a:Account)-[u:USES_IP]->(i:IP) RETURN a.account_id AS src, i.ip AS dst, sum(u.n) AS w"),
    ("account", "ships_to", "address",
     """MATCH (a:Account)-[:PLACED]->(o:Order)-[:SHIPS_TO]->(ad:Address) WHERE o.date >= $start AND o.date <= $end
        RETURN a.account_id AS src, ad.key AS dst, count(o) AS w"""),
    ("account", "label_address", "address",
     """MATCH (a:Account)-[:REQUESTED]->(r:Return)-[:HAS_PARCEL]->(:Parcel)-[l:LABEL_ADDRESS]->(ad:Address)
        WHERE r.date >= $start AND r.date <= $end
        RETURN a.account_id AS src, ad.key AS dst, max(l.confidence) AS w"""),
    ("account", "has_phone", "phone",
     """MATCH (a:Account)-[:HAS_PHONE]->(p:Phone) RETURN a.account_id AS src, p.e164 AS dst, 1.0 AS w
        UNION
        MATCH (a:Account)-[:PLACED]->(o:Order)-[:CONTACT_PHONE]->(p:Phone) WHERE o.date >= $start AND o.date <= $end
        RETURN DISTINCT a.account_id AS src, p.e164 AS dst, 1.0 AS w"""),
    ("account", "called_from", "phone",
     """MATCH (a:Account)-[:MADE_CALL]->(c:Call)-[:FROM_PHONE]->(p:Phone) WHERE c.date >= $start AND c.date <= $end
        RETURN a.account_id AS src, p.e164 AS dst, count(c) AS w"""),
    ("account", "buys_from", "account",
     "MATCH (a:Account)-[f:BUYS_FROM]->(b:Account) RETURN a.account_id AS src, b.account_id AS dst, f.n_orders AS w"),
    ("account", "behaves_like", "account",
     "MATCH (a:Account)-[s:BEHAVES_LIKE]->(b:Account) RETURN a.account_id AS src, b.account_id AS dst, max(s.weight) AS w"),
    ("account", "claimed", "coupon",
     """MATCH (a:Account)-[:PLACED]->(o:Order) WHERE o.coupon_id IS NOT NULL AND o.date >= $start AND o.date <= $end
        RETURN a.account_id AS src, o.coupon_id AS dst, o.created_at.epochSeconds / 60.0 AS w"""),
)

_ADDRESS_PROPS = """
UNWIND $keys AS k MATCH (ad:Address {key: k})
RETURN ad.key AS id, coalesce(ad.fraud_listed, false) AS fraud_listed, coalesce(ad.max_fraud_match, 0.0) AS m
"""


def export_graph(store: GraphStore, start: str, end: str,
                 progress: Callable[[str], None] | None = None, readers: int = 2) -> GraphExport:
    """Export accounts and their evidence for orders/returns/calls dated in [start, end].

    Up to `readers` queries run at once, each in its own read transaction, and their results are
    used in a fixed order, so the export is the same for any `readers`."""
    params: dict[str, Any] = {"start": start, "end": end}
    step = progress or (lambda _name: None)

    step("accounts")
    fp_names: list[str] = store.read_columns(_FP_NAMES).get("k", [])
    queries: list[tuple[str, Mapping[str, Any]]] = [(_ACCOUNTS, {"fp": fp_names})]
    queries += [(q, params) for q in (*_FEATURE_QUERIES, *(e[3] for e in _EDGE_QUERIES))]
    results = _read_ahead(store, queries, readers)
    acc, seconds = next(results)
    log.debug("export query accounts: %.1fs", seconds)
    if any(a > b for a, b in zip(acc["id"], acc["id"][1:], strict=False)):  # ORDER BY may not survive collect()
        order = sorted(range(len(acc["id"])), key=acc["id"].__getitem__)
        acc = {k: [v[i] for i in order] for k, v in acc.items()}
    ids: list[str] = acc["id"]
    index = {a: i for i, a in enumerate(ids)}
    end_day = Date.fromisoformat(end)
    columns: dict[str, np.ndarray] = {"age_days": _age_days(acc["created_s"], end_day)}
    fp = _floats(acc.pop("fp")).astype(np.float32).reshape(len(ids), len(fp_names))
    for j, name in enumerate(fp_names):
        columns[name] = fp[:, j]
    labels = np.array([{"fraud": 1, "legit": 0}.get(str(x).lower(), -1) for x in acc["label"]], dtype=np.int8)

    for _ in _FEATURE_QUERIES:
        cols, seconds = next(results)
        rows = np.array([index[a] for a in cols.pop("id")], dtype=np.int64)
        log.debug("export query %s: %.1fs", ", ".join(cols), seconds)
        step(", ".join(cols))
        for name, values in cols.items():
            if name == "intents":
                for intent in INTENTS:
                    col = columns.setdefault(f"intent_{intent}", np.zeros(len(ids), np.float32))
                    col[rows] = [sum(call.count(intent) for call in v) for v in values]
                continue
            col = columns.setdefault(name, np.zeros(len(ids), np.float32))
            col[rows] = _floats(values)
    for name in ("n_orders", "amount_mean", "amount_cv", "coupon_frac", "n_sales", "n_returns", "n_calls",
                 *(f"intent_{i}" for i in INTENTS), "max_fraud_match", "n_devices", "n_ips", "n_similar"):
        columns.setdefault(name, np.zeros(len(ids), np.float32))
    columns["return_rate"] = columns["n_returns"] / np.maximum(columns["n_orders"], 1.0)

    other: dict[str, dict[str, int]] = {t: {} for t in ("device", "ip", "address", "phone", "coupon")}
    edges: list[EdgeTable] = []
    for src_t, rel, dst_t, _ in _EDGE_QUERIES:
        step(rel)
        cols, seconds = next(results)
        log.debug("export query %s: %.1fs", rel, seconds)
        dst_index = index if dst_t == "account" else other[dst_t]
        src = np.array([index[s] for s in cols["src"]], dtype=np.int64)
        dst = np.array([dst_index.setdefault(d, len(dst_index)) if dst_t != "account" else index[d]
                        for d in cols["dst"]], dtype=np.int64)
        edges.append(EdgeTable(src_t, rel, dst_t, src, dst, _floats(cols["w"]).astype(np.float32)))

    for rel, name in (("uses_device", "n_devices"), ("uses_ip", "n_ips")):
        e = next(e for e in edges if e.relation == rel)
        columns[name] = np.bincount(e.src, minlength=len(ids)).astype(np.float32)
    edges = _in_key_order(edges, other)
    names = tuple(sorted(columns))
    nodes: dict[str, NodeTable] = {
        "account": NodeTable(tuple(ids), np.stack([columns[n] for n in names], axis=1).astype(np.float32), names)}
    for t, idx in other.items():
        nodes[t] = _entity_table(store, t, idx, edges)
    log.info("exported %d accounts, %d edges", len(ids), sum(len(e.src) for e in edges))
    return GraphExport(nodes, tuple(edges), (start, end), labels)


def _read_ahead(store: GraphStore, queries: Sequence[tuple[str, Mapping[str, Any]]],
                readers: int) -> Iterator[tuple[dict[str, list[Any]], float]]:
    """Each query's columns and seconds, in the order given, with up to `readers` queries running
    while the caller works on the last result: the server answers the next query while this
    process decodes and indexes the one before (two cores, one each)."""
    def timed(cypher: str, params: Mapping[str, Any]) -> tuple[dict[str, list[Any]], float]:
        t0 = time.perf_counter()
        return store.read_columns(cypher, params), time.perf_counter() - t0

    waiting = iter(queries)
    with ThreadPoolExecutor(max_workers=max(1, readers), thread_name_prefix="export") as pool:
        running: deque[Future[tuple[dict[str, list[Any]], float]]] = deque(
            pool.submit(timed, *q) for q in [next(waiting) for _ in range(min(max(1, readers), len(queries)))])
        while running:
            done = running.popleft().result()
            if (q := next(waiting, None)) is not None:
                running.append(pool.submit(timed, *q))
            yield done


def _in_key_order(edges: list[EdgeTable], other: dict[str, dict[str, int]]) -> list[EdgeTable]:
    """Number non-account nodes by key and sort every edge table by (src, dst, weight), in place
    of the order Neo4j returned rows in (which is not fixed): the same graph always exports the
    same arrays, so gnn/ finds the same rings in it."""
    rank: dict[str, np.ndarray] = {}
    for t, idx in other.items():
        keys = sorted(idx)
        old = np.array([idx[k] for k in keys], dtype=np.int64)
        rank[t] = np.empty(len(keys), dtype=np.int64)
        rank[t][old] = np.arange(len(keys), dtype=np.int64)
        idx.clear()
        idx.update((k, i) for i, k in enumerate(keys))
    out = []
    for e in edges:
        dst = rank[e.dst_type][e.dst] if e.dst_type in rank else e.dst
        order = np.lexsort((e.weight, dst, e.src))
        out.append(EdgeTable(e.src_type, e.relation, e.dst_type, e.src[order], dst[order], e.weight[order]))
    return out


def _entity_table(store: GraphStore, node_type: str, index: dict[str, int], edges: Sequence[EdgeTable]) -> NodeTable:
    """Features of a non-account node: how many distinct accounts touch it (plus fraud flags for addresses)."""
    keys = [""] * len(index)
    for k, i in index.items():
        keys[i] = k
    degree = np.zeros(len(keys), np.float32)
    for e in edges:
        if e.dst_type == node_type and len(e.src):
            pairs = np.unique(np.stack([e.src, e.dst], axis=1), axis=0)
            degree += np.bincount(pairs[:, 1], minlength=len(keys)).astype(np.float32)
    if node_type != "address":
        return NodeTable(tuple(keys), degree[:, None], ("degree",))
    listed = np.zeros(len(keys), np.float32)
    match = np.zeros(len(keys), np.float32)
    if keys:
        cols = store.read_columns(_ADDRESS_PROPS, {"keys": keys})
        rows = np.array([index[k] for k in cols["id"]], dtype=np.int64)
        listed[rows] = [float(bool(v)) for v in cols["fraud_listed"]]
        match[rows] = _floats(cols["m"])
    return NodeTable(tuple(keys), np.stack([degree, listed, match], axis=1), ("degree", "fraud_listed", "max_fraud_match"))


def _floats(values: Sequence[Any]) -> np.ndarray:
    """float64 array of query values (nested lists keep their shape), 0 for null, non-finite or
    non-numeric, as `_num` per value but vectorized: per-value conversion was a tenth of an export."""
    try:
        a = np.asarray(values, dtype=np.float64)  # None -> nan
    except (TypeError, ValueError):
        a = np.array([[_num(v) for v in row] if isinstance(row, list) else _num(row) for row in values],
                     dtype=np.float64)
    return np.nan_to_num(a, nan=0.0, posinf=0.0, neginf=0.0)


def _num(v: Any) -> float:
    if v is None:
        return 0.0
    if isinstance(v, bool):
        return float(v)
    try:
        f = float(v)
    except (TypeError, ValueError):
        return 0.0
    return f if np.isfinite(f) else 0.0


def _age_days(created_s: Sequence[int | None], end: Date) -> np.ndarray:
    """float32 [n]: whole days from the account's creation (UTC date) to `end`, 0 when unknown or later."""
    secs = np.array([np.nan if c is None else c for c in created_s], dtype=np.float64)
    created_day = np.floor(secs / 86400.0)
    end_day = (end - Date(1970, 1, 1)).days
    return np.nan_to_num(np.maximum(end_day - created_day, 0.0), nan=0.0).astype(np.float32)
