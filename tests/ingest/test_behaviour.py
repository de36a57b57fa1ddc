"""Sessions, fingerprints and similar pairs on small hand-built populations."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from ingest.clicks import EVENT_SCHEMA
from ingest.config import IngestConfig
from ingest.fingerprint import account_fingerprints
from ingest.sessions import mark_regular, session_stats, session_table, sessionize
from ingest.similar import similar_pairs

T0 = datetime(2026, 11, 26, tzinfo=UTC)
CFG = IngestConfig(hub_min_accounts=20, hub_fraction=0.1, min_shingles=4)


def _session(account: str, session: str, pages: list[str], gaps_ms: list[float], *, device: str = "D",
             ip: str = "10.0.0.1", ua: str = "Mozilla/5.0 ShopApp", start: float = 0.0) -> list[dict[str, object]]:
    """Events whose dwell equals the gap to the next event (the last one repeats the first gap)."""
    rows, t = [], start
    for i, page in enumerate(pages):
        gap = gaps_ms[i % len(gaps_ms)]
        rows.append({"account_id": account, "session_id": session, "device_id": device, "ip": ip,
                     "user_agent": ua, "ts": T0 + timedelta(milliseconds=t), "event": "view", "page": page,
                     "dwell_ms": gap, "file": 0, "_line": 0})
        t += gap
    return rows


def _frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    random.Random(3).shuffle(rows)  # platform logs interleave: order must not matter
    return pl.DataFrame(rows, schema=EVENT_SCHEMA)


def _population() -> pl.DataFrame:
    rng = random.Random(11)
    rows: list[dict[str, object]] = []
    script = ["/login", "/coupon/center", "/coupon/X9", "/item/X9-a", "/cart", "/checkout", "/pay", "/logout"]
    for m in range(4):  # a coupon ring: one script, machine timing, two shared devices
        for s in range(3):
            rows += _session(f"ring{m}", f"r{m}-{s}", script, [1500.0 + rng.uniform(-20, 20) for _ in range(8)],
                             device=f"DR{m % 2}", ip="100.64.0.9", start=s * 1e6 + m * 1e4)
    for m in range(3):  # another operator's farm: the same script, but its bot steps every 900 ms
        rows += _session(f"farm{m}", f"g{m}", script, [900.0 + rng.uniform(-10, 10) for _ in range(8)],
                         device=f"DG{m}", ip=f"100.64.1.{m}", start=2e6)
    for m in range(40):  # a campus crowd: one NAT IP, human paths
        for s in range(2):
            pages = [f"/item/{rng.randrange(100000)}" for _ in range(10)]
            rows += _session(f"campus{m:02d}", f"c{m}-{s}", pages, [rng.uniform(500, 9000) for _ in range(9)],
                             device=f"DC{m}", ip="172.16.0.1", start=s * 1e6)
    flow = ["/home", "/search", "/item/top-1", "/cart", "/checkout"]
    for m in range(40):  # default-flow users: everyone takes the app's suggested path
        rows += _session(f"flow{m:02d}", f"f{m}", flow, [rng.uniform(500, 9000) for _ in range(4)],
                         device=f"DF{m}", ip=f"10.1.0.{m}")
    rows += _session("bot", "b0", [f"/x{i}" for i in range(6)], [1000.0], device="DE", ua="Android sdk_gphone_x86")
    return _frame(rows)


def _pipeline(events: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(ordered events with `regular`, session stats, fingerprints)."""
    ordered = sessionize(events, CFG.shingle_size)
    stats = session_stats(ordered, CFG.regular_min_events, CFG.regular_max_cv)
    ordered = mark_regular(ordered, stats)
    return ordered, stats, account_fingerprints(ordered, stats, CFG)


def test_sessionize_orders_events_and_hashes_paths() -> None:
    events = _frame(_session("a", "s1", ["/p1", "/p2", "/p3"], [1000.0, 2000.0])
                    + _session("b", "s2", ["/p1", "/p2", "/p3"], [7000.0]))
    ordered = sessionize(events, shingle_size=3)
    a = ordered.filter(pl.col("account_id") == "a")
    assert a.get_column("page").cast(pl.String).to_list() == ["/p1", "/p2", "/p3"]
    assert a.get_column("gap_ms").to_list() == [None, 1000.0, 2000.0]
    b = ordered.filter(pl.col("account_id") == "b")
    assert a.get_column("shingle").to_list() == b.get_column("shingle").to_list()  # same path, same shingles
    assert len(set(a.get_column("shingle").to_list())) == 3
    sessions = session_table(session_stats(ordered, 3, 0.1))
    assert sessions.get_column("n_events").to_list() == [3, 3]
    assert sessions.get_column("path_hash").n_unique() == 1
    assert sessions.get_column("machine_regular").to_list() == [False, True]  # 1000/2000/1000 vs 7000 x 3


def test_fingerprint_features() -> None:
    fp = _pipeline(_population())[2].filter(pl.col("account_id").is_in(["bot", "ring0", "campus00", "flow00"]))
    by = {r["account_id"]: r for r in fp.to_dicts()}
    assert by["bot"]["gap_regularity"] == 1.0 and by["bot"]["gap_cv"] == 0.0
    assert by["bot"]["emulator"] and not by["campus00"]["emulator"]
    assert by["campus00"]["gap_regularity"] < 0.5
    assert by["ring0"]["max_device_accounts"] == 2 and by["ring0"]["n_sessions"] == 3
    assert by["campus00"]["max_ip_accounts"] == 40
    assert by["flow00"]["n_shingles"] == 0 and by["campus00"]["n_shingles"] == 0  # humans: no regular sessions
    assert by["ring0"]["n_sessions_regular"] == 3 and by["ring0"]["regular_step_ms"] == pytest.approx(1500, rel=0.02)
    assert by["bot"]["n_sessions_regular"] == 1 and by["campus00"]["regular_step_ms"] is None
    assert len(by["ring0"]["minhash"]) == CFG.num_perm and by["flow00"]["minhash"] == []


def test_ring_links_while_crowds_do_not() -> None:
    ordered, _, fp = _pipeline(_population())
    pairs = similar_pairs(fp, ordered, CFG)
    got = set(zip(pairs.get_column("account_a").to_list(), pairs.get_column("account_b").to_list(), strict=True))
    ring = {(f"ring{a}", f"ring{b}") for a in range(4) for b in range(a + 1, 4)}
    farm = {(f"farm{a}", f"farm{b}") for a in range(3) for b in range(a + 1, 3)}
    assert got == ring | farm  # same script, different step time: the two farms stay apart
    assert pairs.get_column("jaccard").min() == pytest.approx(1.0)
    row = pairs.filter((pl.col("account_a") == "ring0") & (pl.col("account_b") == "ring2")).row(0, named=True)
    assert row["shared_devices"] == 1 and row["shared_ips"] == 1 and row["network_weight"] > 0


def test_fingerprints_are_deterministic() -> None:
    one = _pipeline(_population())[2]
    two = _pipeline(_population().reverse())[2]
    assert one.equals(two)
