"""Load steps for ingest/'s outputs: accounts, orders, returns, flows, sessions, fingerprints, pairs.

Column names follow ingest/schema.py (the contract; docs/ingest.md). Relationship properties
are functions of the input only (no wall-clock values), so a re-run writes identical values.
Links seen on several days keep `days` (the dates seen, in load order) and `n` (the count on the
most recent day loaded); node facts that accumulate (order-flow totals) are recomputed from the
Order nodes rather than incremented.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from graph.loader import LoadStep, Rows, parquet_rows
from graph.store import FreshPath

# Shared Cypher fragment: record the day on a link (idempotent set-union, in load order).
_SEEN = "{rel}.days = CASE WHEN $date IN coalesce({rel}.days, []) THEN {rel}.days ELSE coalesce({rel}.days, []) + $date END"


def _seen(rel: str) -> str:
    return _SEEN.format(rel=rel)


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, datetime) else v


def _isoformat_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _iso(v) for k, v in row.items()}


def _grouped(path: Path, keys: tuple[str, str], drop_null: bool = True) -> Rows:
    """Count rows per (keys) pair in a Parquet file: the per-day weight of a usage link."""

    def rows() -> Iterator[Mapping[str, Any]]:
        if not path.exists():
            return
        import polars as pl

        df = pl.scan_parquet(path).select(keys)
        if drop_null:
            df = df.drop_nulls()
        out = df.group_by(keys).agg(pl.len().alias("n")).sort(keys).collect()
        yield from out.rename({keys[0]: "a", keys[1]: "b"}).iter_rows(named=True)

    return rows


ACCOUNTS = """
UNWIND $rows AS r
MERGE (a:Account {account_id: r.account_id})
SET a.created_at = datetime(r.created_at), a.phone_raw = r.phone_raw, """ + _seen("a") + """
WITH a, r
CALL (a, r) {
  WITH a, r WHERE r.phone IS NOT NULL
  MERGE (p:Phone {e164: r.phone})
  MERGE (a)-[h:HAS_PHONE {source: $source}]->(p)
  SET h.build_id = $build_id, h.raw = r.phone_raw, h.confidence = 1.0
}
CALL (a, r) {
  WITH a, r WHERE r.register_device IS NOT NULL
  MERGE (d:Device {device_id: r.register_device})
  MERGE (a)-[u:USES_DEVICE {source: 'registration'}]->(d)
  SET u.build_id = $build_id, u.n = 1, u.confidence = 1.0
}
CALL (a, r) {
  WITH a, r WHERE r.register_ip IS NOT NULL
  MERGE (i:IP {ip: r.register_ip})
  MERGE (a)-[u:USES_IP {source: 'registration'}]->(i)
  SET u.build_id = $build_id, u.n = 1, u.confidence = 1.0
}
"""

# First sight of an account (the usual case on a new day): CREATE the node and its links, which
# cannot exist yet. Writes exactly the properties ACCOUNTS would (a null value writes nothing in both).
ACCOUNTS_FRESH = """
UNWIND $rows AS r
CREATE (a:Account {account_id: r.account_id, created_at: datetime(r.created_at), phone_raw: r.phone_raw,
                   days: [$date]})
WITH a, r
CALL (a, r) {
  WITH a, r WHERE r.phone IS NOT NULL
  MERGE (p:Phone {e164: r.phone})
  CREATE (a)-[:HAS_PHONE {source: $source, build_id: $build_id, raw: r.phone_raw, confidence: 1.0}]->(p)
}
CALL (a, r) {
  WITH a, r WHERE r.register_device IS NOT NULL
  MERGE (d:Device {device_id: r.register_device})
  CREATE (a)-[:USES_DEVICE {source: 'registration', build_id: $build_id, n: 1, confidence: 1.0}]->(d)
}
CALL (a, r) {
  WITH a, r WHERE r.register_ip IS NOT NULL
  MERGE (i:IP {ip: r.register_ip})
  CREATE (a)-[:USES_IP {source: 'registration', build_id: $build_id, n: 1, confidence: 1.0}]->(i)
}
"""

ORDERS = """
UNWIND $rows AS r
MERGE (o:Order {order_id: r.order_id})
SET o.amount = r.amount, o.coupon_id = r.coupon_id, o.created_at = datetime(r.created_at),
    o.date = $date, o.build_id = $build_id
MERGE (b:Account {account_id: r.buyer_id})
MERGE (b)-[p:PLACED {source: $source}]->(o) SET p.build_id = $build_id, p.confidence = 1.0
MERGE (s:Account {account_id: r.seller_id})
MERGE (o)-[sb:SOLD_BY {source: $source}]->(s) SET sb.build_id = $build_id, sb.confidence = 1.0
WITH o, r
CALL (o, r) {
  WITH o, r WHERE r.address_key IS NOT NULL
  MERGE (ad:Address {key: r.address_key}) ON CREATE SET ad.example = r.ship_address
  MERGE (o)-[st:SHIPS_TO {source: $source}]->(ad)
  SET st.raw = r.ship_address, st.build_id = $build_id, st.confidence = 1.0
}
CALL (o, r) {
  WITH o, r WHERE r.ship_phone IS NOT NULL
  MERGE (ph:Phone {e164: r.ship_phone})
  MERGE (o)-[c:CONTACT_PHONE {source: $source}]->(ph)
  SET c.raw = r.ship_phone_raw, c.build_id = $build_id, c.confidence = 1.0
}
"""

# A new order: the Order node and its four links are CREATEd (none can exist yet); the accounts,
# address and phone it points at are still MERGEd. Same properties as ORDERS writes.
ORDERS_FRESH = """
UNWIND $rows AS r
CREATE (o:Order {order_id: r.order_id, amount: r.amount, coupon_id: r.coupon_id,
                 created_at: datetime(r.created_at), date: $date, build_id: $build_id})
MERGE (b:Account {account_id: r.buyer_id})
CREATE (b)-[:PLACED {source: $source, build_id: $build_id, confidence: 1.0}]->(o)
MERGE (s:Account {account_id: r.seller_id})
CREATE (o)-[:SOLD_BY {source: $source, build_id: $build_id, confidence: 1.0}]->(s)
WITH o, r
CALL (o, r) {
  WITH o, r WHERE r.address_key IS NOT NULL
  MERGE (ad:Address {key: r.address_key}) ON CREATE SET ad.example = r.ship_address
  CREATE (o)-[:SHIPS_TO {source: $source, raw: r.ship_address, build_id: $build_id, confidence: 1.0}]->(ad)
}
CALL (o, r) {
  WITH o, r WHERE r.ship_phone IS NOT NULL
  MERGE (ph:Phone {e164: r.ship_phone})
  CREATE (o)-[:CONTACT_PHONE {source: $source, raw: r.ship_phone_raw, build_id: $build_id, confidence: 1.0}]->(ph)
}
"""

ACCOUNTS_NEW = FreshPath("account_id", "UNWIND $keys AS k MATCH (a:Account {account_id: k}) RETURN k", ACCOUNTS_FRESH)
ORDERS_NEW = FreshPath("order_id", "UNWIND $keys AS k MATCH (o:Order {order_id: k}) RETURN k", ORDERS_FRESH)


def _uses(rel: str, label: str, key: str) -> str:
    """(account)-[rel]->(entity) usage counts for one day, from orders or click sessions.

    `rel`, `label` and `key` are this module's constants, never input."""
    return f"""
UNWIND $rows AS r
MERGE (a:Account {{account_id: r.a}})
MERGE (x:{label} {{{key}: r.b}})
MERGE (a)-[u:{rel} {{source: $source}}]->(x)
SET u.n = r.n, u.build_id = $build_id, u.confidence = 1.0, """ + _seen("u")


USES_DEVICE = _uses("USES_DEVICE", "Device", "device_id")
USES_IP = _uses("USES_IP", "IP", "ip")

# Totals over every Order loaded so far, so D then D+1 accumulates and D twice does not.
# The orders are found from the buyer's side (a buyer places a few, a shop sells thousands; Neo4j's
# planner, left to itself, expands the seller's sales and filters them: 2-4x slower at 5k accounts).
FLOWS = """
UNWIND $rows AS r
MATCH (b:Account {account_id: r.src_account}), (s:Account {account_id: r.dst_account})
CALL (b, s) {
  MATCH (b)-[:PLACED]->(o:Order) WHERE (o)-[:SOLD_BY]->(s)
  RETURN count(o) AS n, sum(o.amount) AS amount, sum(CASE WHEN o.coupon_id IS NULL THEN 0 ELSE 1 END) AS coupons
}
WITH b, s, n, amount, coupons WHERE n > 0
MERGE (b)-[f:BUYS_FROM {source: $source}]->(s)
SET f.n_orders = n, f.amount = amount, f.n_coupon_orders = coupons, f.build_id = $build_id, f.confidence = 1.0
"""

RETURNS = """
UNWIND $rows AS r
MERGE (ret:Return {return_id: r.return_id})
SET ret.reason = r.reason, ret.created_at = datetime(r.created_at), ret.date = $date, ret.build_id = $build_id
MERGE (a:Account {account_id: r.account_id})
MERGE (a)-[q:REQUESTED {source: $source}]->(ret) SET q.build_id = $build_id, q.confidence = 1.0
MERGE (o:Order {order_id: r.order_id})
MERGE (ret)-[f:FOR_ORDER {source: $source}]->(o) SET f.build_id = $build_id, f.confidence = 1.0
WITH ret, r WHERE r.photo IS NOT NULL
MERGE (pc:Parcel {parcel_id: r.return_id})
SET pc.photo = r.photo
MERGE (ret)-[h:HAS_PARCEL {source: $source}]->(pc) SET h.build_id = $build_id, h.confidence = 1.0
"""

FINGERPRINT_PROPS = ("n_events", "n_sessions", "n_shingles", "dwell_mean_ms", "dwell_cv", "gap_mean_ms", "gap_cv",
                     "gap_regularity", "n_devices", "n_ips", "n_user_agents", "emulator", "max_device_accounts",
                     "max_ip_accounts", "n_sessions_regular", "regular_step_ms")

FINGERPRINTS = """
UNWIND $rows AS r
MERGE (a:Account {account_id: r.account_id})
SET a += r.fp, a.fp_date = $date
"""

SIMILAR = """
UNWIND $rows AS r
MERGE (a:Account {account_id: r.account_a})
MERGE (b:Account {account_id: r.account_b})
MERGE (a)-[s:BEHAVES_LIKE {source: $source}]->(b)
SET s.weight = r.weight, s.jaccard = r.jaccard, s.timing_sim = r.timing_sim, s.shared_devices = r.shared_devices,
    s.shared_ips = r.shared_ips, s.confidence = r.weight, s.build_id = $build_id, """ + _seen("s")

LABELS = """
UNWIND $rows AS r
MERGE (a:Account {account_id: r.account_id})
SET a.label = r.label, a.label_source = r.source
"""


def _fingerprint_row(row: dict[str, Any]) -> dict[str, Any]:
    fp = {f"fp_{k}": row[k] for k in FINGERPRINT_PROPS if row.get(k) is not None}
    return {"account_id": row["account_id"], "fp": fp}


PAIR = ("a", "b")  # the key of a grouped usage row: (account, device or IP)


def ingest_steps(work: Path) -> list[LoadStep]:
    """Steps for one day's ingest/ outputs under `work` (any missing file is skipped)."""
    return [
        LoadStep("accounts", "accounts", ACCOUNTS, parquet_rows(work / "accounts.parquet", transform=_isoformat_row),
                 fresh=ACCOUNTS_NEW),
        LoadStep("orders", "orders", ORDERS, parquet_rows(work / "orders.parquet", transform=_isoformat_row),
                 fresh=ORDERS_NEW),
        LoadStep("orders.devices", "orders", USES_DEVICE, _grouped(work / "orders.parquet", ("buyer_id", "device_id")),
                 key=PAIR),
        LoadStep("orders.ips", "orders", USES_IP, _grouped(work / "orders.parquet", ("buyer_id", "ip")), key=PAIR),
        LoadStep("flows", "orders", FLOWS, parquet_rows(work / "flows.parquet", ("src_account", "dst_account")),
                 key=("src_account", "dst_account")),
        LoadStep("returns", "returns", RETURNS, parquet_rows(work / "returns.parquet", transform=_isoformat_row),
                 key=("return_id",)),
        LoadStep("clicks.devices", "clicks", USES_DEVICE, _grouped(work / "sessions.parquet", ("account_id", "device_id")),
                 key=PAIR),
        LoadStep("clicks.ips", "clicks", USES_IP, _grouped(work / "sessions.parquet", ("account_id", "ip")), key=PAIR),
        LoadStep("fingerprints", "clicks", FINGERPRINTS,
                 parquet_rows(work / "fingerprints.parquet", ("account_id", *FINGERPRINT_PROPS), _fingerprint_row),
                 key=("account_id",)),
        LoadStep("similar_pairs", "clicks", SIMILAR, parquet_rows(work / "similar_pairs.parquet"),
                 key=("account_a", "account_b")),
        LoadStep("labels", "labels", LABELS, parquet_rows(work / "labels.parquet"), key=("account_id",)),
    ]
