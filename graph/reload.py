"""Replace a day already in the graph: the fingerprint of a day's inputs, and removing what the day contributed.

`load` compares the fingerprint of the work folder with the one recorded on the day's `(:Build)`:
equal, the load is a no-op (or resumes an interrupted one); different, `remove_day` takes out what
that day contributed and the day is loaded again from scratch, so a corrected or entirely different
export for a date gives the graph a clean load of the new export would give.

What a day contributed, and how it is taken out (every statement is idempotent, so a removal
killed mid-way is simply run again on the next load):
  * its Order, Return, Parcel and Call nodes (keyed by `build_id`) with all their links;
  * its date from the `days` of usage and similarity links and of accounts; a link or account
    left with no day is the day's alone and goes;
  * registration links of accounts only this day listed; fingerprints it set (`fp_date`);
  * order-flow totals of the buyer → seller pairs it touched are recomputed from the orders left;
  * then nodes left without any link: devices, IPs, phones, keywords, addresses not on the
    fraud list, accounts no other day listed or fingerprinted and no reference label names.
Reference lists (labels, the fraud-address list) are cumulative and stay.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from graph.schema import BUILD_PREFIX
from graph.store import GraphStore

log = logging.getLogger(__name__)

_CHUNK = 1 << 20


def input_fingerprint(work: Path) -> str:
    """sha256 over the work folder's top-level Parquet files (names and bytes): what a load reads."""
    h = hashlib.sha256()
    for path in sorted(work.glob("*.parquet")):
        h.update(path.name.encode() + b"\0")
        with path.open("rb") as fh:
            while block := fh.read(_CHUNK):
                h.update(block)
        h.update(b"\0")
    return h.hexdigest()


_FLOW_PAIRS = """
MATCH (b:Account)-[:PLACED]->(:Order {build_id: $build_id})-[:SOLD_BY]->(s:Account)
RETURN DISTINCT b.account_id AS a, s.account_id AS b
UNION
MATCH (b:Account)-[f:BUYS_FROM]->(s:Account) WHERE f.build_id = $build_id
RETURN b.account_id AS a, s.account_id AS b
"""

# Batched deletes run as their own inner transactions (a day may hold millions of orders).
_DELETE_NODES = [
    "MATCH (c:Call {build_id: $build_id}) CALL (c) { DETACH DELETE c } IN TRANSACTIONS OF 5000 ROWS",
    "MATCH (r:Return {build_id: $build_id})-[:HAS_PARCEL]->(p:Parcel) "
    "CALL (p) { DETACH DELETE p } IN TRANSACTIONS OF 5000 ROWS",
    "MATCH (p:Parcel {build_id: $build_id}) CALL (p) { DETACH DELETE p } IN TRANSACTIONS OF 5000 ROWS",
    "MATCH (r:Return {build_id: $build_id}) CALL (r) { DETACH DELETE r } IN TRANSACTIONS OF 5000 ROWS",
    "MATCH (o:Order {build_id: $build_id}) CALL (o) { DETACH DELETE o } IN TRANSACTIONS OF 5000 ROWS",
]

_DAY_LINKS = [
    # links seen only on this day go; others forget the day
    "MATCH ()-[r:USES_DEVICE|USES_IP|BEHAVES_LIKE]->() WHERE r.days = [$date] "
    "CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
    "MATCH ()-[r:USES_DEVICE|USES_IP|BEHAVES_LIKE]->() WHERE $date IN r.days "
    "CALL (r) { SET r.days = [d IN r.days WHERE d <> $date] } IN TRANSACTIONS OF 10000 ROWS",
    "MATCH ()-[r:USES_DEVICE|USES_IP|BEHAVES_LIKE]->() WHERE r.build_id = $build_id AND size(r.days) > 0 "
    "CALL (r) { SET r.build_id = $prefix + last(r.days) } IN TRANSACTIONS OF 10000 ROWS",
    # registration links of accounts no other day listed (before the accounts forget the day)
    "MATCH (a:Account)-[r:HAS_PHONE|USES_DEVICE|USES_IP]->() WHERE a.days = [$date] AND r.days IS NULL "
    "CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
    "MATCH (a:Account) WHERE $date IN a.days "
    "CALL (a) { SET a.days = [d IN a.days WHERE d <> $date] } IN TRANSACTIONS OF 10000 ROWS",
    # registration links this day re-wrote, of accounts an earlier day listed: back to that day's build
    "MATCH (a:Account)-[r:HAS_PHONE|USES_DEVICE|USES_IP]->() WHERE r.build_id = $build_id AND r.days IS NULL "
    "AND size(coalesce(a.days, [])) > 0 CALL (a, r) { SET r.build_id = $prefix + last(a.days) } "
    "IN TRANSACTIONS OF 10000 ROWS",
]

_FINGERPRINTS = ("MATCH (a:Account {fp_date: $date}) "
                 "CALL (a) { SET a += $cleared } IN TRANSACTIONS OF 10000 ROWS")

_RECOMPUTE_FLOWS = """
UNWIND $rows AS r
MATCH (b:Account {account_id: r.a})-[f:BUYS_FROM]->(s:Account {account_id: r.b})
OPTIONAL MATCH (b)-[:PLACED]->(o:Order) WHERE (o)-[:SOLD_BY]->(s)  // from the buyer: a shop sells thousands
WITH f, count(o) AS n, sum(o.amount) AS amount,
     sum(CASE WHEN o IS NULL OR o.coupon_id IS NULL THEN 0 ELSE 1 END) AS coupons, max(o.build_id) AS last_build
CALL (f, n) { WITH f, n WHERE n = 0 DELETE f }
WITH f, n, amount, coupons, last_build WHERE n > 0
SET f.n_orders = n, f.amount = amount, f.n_coupon_orders = coupons, f.build_id = last_build
"""

_ORPHANS = [
    "MATCH (n:Device|IP|Phone|Keyword) WHERE NOT (n)--() CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS",
    "MATCH (n:Address) WHERE NOT (n)--() AND n.fraud_listed IS NULL "
    "CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS",
    "MATCH (a:Account) WHERE NOT (a)--() AND coalesce(a.days, []) = [] AND a.label IS NULL AND a.fp_date IS NULL "
    "CALL (a) { DELETE a } IN TRANSACTIONS OF 10000 ROWS",
]


def remove_day(store: GraphStore, build_id: str, date: str, fingerprint_props: tuple[str, ...]) -> None:
    """Take out what the build `build_id` of `date` contributed (see the module docstring)."""
    params = {"build_id": build_id, "date": date, "prefix": BUILD_PREFIX}
    pairs = store.read(_FLOW_PAIRS, params)
    for stmt in _DELETE_NODES:
        store.run_auto(stmt, params)
    for stmt in _DAY_LINKS:
        store.run_auto(stmt, params)
    cleared: dict[str, None] = {f"fp_{k}": None for k in fingerprint_props} | {"fp_date": None}
    store.run_auto(_FINGERPRINTS, {**params, "cleared": cleared})
    store.write_batches(_RECOMPUTE_FLOWS, pairs, 5000)
    for stmt in _ORPHANS:
        store.run_auto(stmt, params)
    log.info("removed build %s (%d order-flow pairs recomputed)", build_id, len(pairs))
