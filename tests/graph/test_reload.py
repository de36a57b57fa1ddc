"""Integration (real Neo4j): a day loaded again is a no-op when its inputs are unchanged, and is
replaced when they changed — the graph then equals a clean load of the new inputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graph.loader import NEW, REPLACED, UNCHANGED
from graph.plan import load_work_dir
from graph.reload import input_fingerprint
from graph.store import GraphStore
from testing.workdir import NASTY, write_day
from tests.graph.test_loader import dump

pytestmark = pytest.mark.integration
D0, D1 = "2026-11-26", "2026-11-27"


def _changed_day(work: Path) -> None:
    """The corrected export of D1: other orders (one buyer changed, one order gone, a new one),
    one account fewer, no similar pair, and a different account's fingerprint."""
    write_day(work, D1, suffix="7")
    orders = pq.read_table(work / "orders.parquet").to_pylist()
    orders[0]["buyer_id"] = "A3"
    orders = orders[:2] + [{**orders[2], "order_id": "5550000001", "seller_id": "A9", "device_id": "dev-new",
                            "ship_address": "1 Elm Road, Shelbyville, 12345",
                            "address_key": "en|1 elm rd||shelbyville|12345"}]
    pq.write_table(pa.Table.from_pylist(orders), work / "orders.parquet")
    pq.write_table(pa.Table.from_pylist([{"src_account": o["buyer_id"], "dst_account": o["seller_id"],
                                          "n_orders": 1, "amount_total": 99.5} for o in orders]),
                   work / "flows.parquet")
    accounts = pq.read_table(work / "accounts.parquet").to_pylist()
    pq.write_table(pa.Table.from_pylist([a for a in accounts if a["account_id"] != "A2"]), work / "accounts.parquet")
    (work / "similar_pairs.parquet").unlink()
    fps = pq.read_table(work / "fingerprints.parquet").to_pylist()
    pq.write_table(pa.Table.from_pylist([{**fps[0], "account_id": "A3"}]), work / "fingerprints.parquet")


def _earlier_day(work: Path) -> None:
    """Shares accounts, devices, IPs, phones and an address with D1. Its fingerprint is of an
    account D1 does not fingerprint: a fingerprint is the latest day's snapshot, and removing a day
    clears the ones it set without bringing back an earlier day's (docs/graph.md)."""
    write_day(work, D0, suffix="0")
    fps = pq.read_table(work / "fingerprints.parquet").to_pylist()
    pq.write_table(pa.Table.from_pylist([{**fps[0], "account_id": NASTY}]), work / "fingerprints.parquet")


def test_unchanged_day_is_a_no_op(store: GraphStore, tmp_path: Path) -> None:
    write_day(tmp_path, D1)
    assert load_work_dir(store, tmp_path, D1).mode == NEW
    before = dump(store)
    report = load_work_dir(store, tmp_path, D1)
    assert report.mode == UNCHANGED and report.steps_run == () and dump(store) == before


@pytest.mark.parametrize("history", [False, True], ids=["alone", "on-top-of-an-earlier-day"])
def test_changed_day_is_replaced_by_the_new_inputs(store: GraphStore, tmp_path: Path, history: bool) -> None:
    old, new, d0 = tmp_path / "old", tmp_path / "new", tmp_path / "d0"
    write_day(old, D1)
    _changed_day(new)
    _earlier_day(d0)
    assert input_fingerprint(old) != input_fingerprint(new)
    # the clean state: (the earlier day, then) the new export of D1 on an empty graph
    if history:
        load_work_dir(store, d0, D0)
    load_work_dir(store, new, D1)
    clean = dump(store)
    store.write("MATCH (n) DETACH DELETE n")
    # what happens in production: D1 loaded, then its corrected export loaded for the same date
    if history:
        load_work_dir(store, d0, D0)
    load_work_dir(store, old, D1)
    assert dump(store) != clean
    work = tmp_path / "work"  # the nightly's work folder, rewritten by ingest with the new export
    shutil.copytree(old, work)
    for f in work.glob("*.parquet"):
        f.unlink()
    for f in new.glob("*.parquet"):
        shutil.copy(f, work / f.name)
    report = load_work_dir(store, work, D1)
    assert report.mode == REPLACED and report.steps_skipped == ()
    got, want = _without_build_nodes(dump(store)), _without_build_nodes(clean)
    assert [x for x in got[0] if x not in want[0]] == [] and [x for x in want[0] if x not in got[0]] == []
    assert [x for x in got[1] if x not in want[1]] == [] and [x for x in want[1] if x not in got[1]] == []
    assert got == want
    assert load_work_dir(store, work, D1).mode == UNCHANGED


def _without_build_nodes(d: tuple[list[object], list[object]]) -> tuple[list[object], list[object]]:
    """(:Build) nodes record how a day was loaded (fingerprint, steps), not graph data."""
    nodes, rels = d
    return [n for n in nodes if "Build" not in str(n)], rels


def test_ingest_rewrites_byte_identical_inputs_so_an_unchanged_night_is_a_no_op(tmp_path: Path) -> None:
    """The nightly re-runs ingest before the load: the fingerprint must not change with it."""
    import datetime as dt

    from ingest import ingest_clicks, ingest_orders
    from simulate.config import SimConfig
    from simulate.run import simulate_day

    day = simulate_day(SimConfig(date=dt.date.fromisoformat(D1), accounts=200, rings=2, media_fraction=0.0),
                       tmp_path / "raw").day_dir
    prints = []
    for work in (tmp_path / "a", tmp_path / "b"):
        ingest_orders(day, work)
        ingest_clicks(day, work)
        prints.append(input_fingerprint(work))
    ingest_clicks(day, tmp_path / "a")  # again, in the other order
    ingest_orders(day, tmp_path / "a")
    assert prints[0] == prints[1] == input_fingerprint(tmp_path / "a")
    lines = (day / "orders.csv").read_text().splitlines()
    (day / "orders.csv").write_text("\n".join(lines[:-2]) + "\n")  # the corrected export: one order fewer
    ingest_orders(day, tmp_path / "a")
    assert input_fingerprint(tmp_path / "a") != prints[0]
