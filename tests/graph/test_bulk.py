"""Integration (real Neo4j, real neo4j-admin importer): a first build through the offline importer
gives the graph a MERGE load gives — every node and link with its properties — and the next day's
MERGE delta on top of either ends in the same graph, Build records included."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from graph.bulk import bulk_load_local
from graph.bulk_tables import NotBulkLoadable, build_tables
from graph.loader import UNCHANGED
from graph.plan import load_plan, load_work_dir
from graph.store import GraphStore, Neo4jConnection
from services import neo4j_local as local_server
from testing.ports import free_port
from testing.workdir import NASTY

pytestmark = pytest.mark.integration
D1, D2 = "2026-11-27", "2026-11-28"


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two simulated days of one world through the real ingest, plus hand-built media outputs."""
    from ingest import ingest_clicks, ingest_orders
    from simulate.config import SimConfig
    from simulate.run import simulate_day

    root = tmp_path_factory.mktemp("bulk")
    works = []
    for date in (D1, D2):
        day = simulate_day(SimConfig(date=dt.date.fromisoformat(date), accounts=300, rings=3, media_fraction=0.0),
                           root / "raw").day_dir
        work = root / "work" / date
        ingest_orders(day, work)
        ingest_clicks(day, work)
        _media(work, date)
        works.append(work)
    return works[0], works[1]


def _media(work: Path, date: str) -> None:
    """Transcripts and label reads in asr/'s and vision/'s shapes, with the awkward values: text over
    several lines with quotes and commas, no intents, a misheard order number, a Cypher-looking field."""
    orders = pl.read_parquet(work / "orders.parquet")
    returns = pl.read_parquet(work / "returns.parquet")
    accounts = pl.read_parquet(work / "accounts.parquet").get_column("account_id").to_list()
    order_ids = orders.get_column("order_id").to_list()
    calls = []
    for i in range(6):
        entities = [{"kind": "order_id", "value": order_ids[i], "text": "one two"},
                    {"kind": "order_id", "value": "9999999999", "text": "nine"},  # misheard: no such order
                    {"kind": "phone", "value": "+8613800000001", "text": "138"},
                    {"kind": "phone", "value": "+8613800000001", "text": "one three eight"}]
        calls.append({"call_id": f"C{date}-{i}", "caller_phone": "+8613800000001" if i % 2 else None,
                      "account_id": accounts[i] if i % 3 else None, "language": "zh",
                      "text": f'他说 "包裹是空的",\n第二行, {NASTY}' if i == 0 else f"call {i}",
                      "intents": [] if i == 1 else ["refund", "empty_parcel"],
                      "keywords": ["退款", "空包"] if i != 1 else [], "started_at": dt.datetime(2026, 11, 27, 10, i),
                      "audio": f"calls/C{i}.wav", "duration_s": 12.5 + i, "model": "tiny", "backend": "ct2",
                      "confidences": {"avg_logprob": -0.2 - i / 10}, "entities": entities})
    pl.DataFrame(calls).write_parquet(work / "transcripts.parquet")
    reads = []
    for i, rid in enumerate(returns.get_column("return_id").to_list()[:5] + [f"R-orphan-{date}"]):
        reads.append({"return_id": rid, "photo": f"parcels/{rid}.jpg" if i != 2 else None, "content_hash": f"h{i}",
                      "ocr_lines": [{"text": "收件人: 张三", "confidence": 0.91}, {"text": 'a "b", c', "confidence": 0.80}],
                      "language": "chi_sim", "tracking_no": f"SF{i}", "recipient_name": "张三", "skew_deg": 1.5,
                      "label_box": {"x0": 1.0, "y0": 2.0, "x1": 30.5, "y1": 40.0},
                      "address_key": "zh|drop" if i < 3 else None, "recipient_address": f"深圳 drop {i}",
                      "recipient_phone": "+8613800000002" if i % 2 else None, "recipient_phone_raw": "138 0000 0002",
                      "fraud_score": 0.88 + i / 100, "fraud_entry": "drop" if i == 0 else None, "fraud_match": i == 1})
    pl.DataFrame(reads).write_parquet(work / "label_reads.parquet")


@pytest.fixture(scope="module")
def bulk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[local_server.LocalNeo4jConfig]:
    """A second local Neo4j (own store, free port) for the importer: it must stop and restart."""
    cfg = local_server.LocalNeo4jConfig(home=tmp_path_factory.mktemp("neo4j-bulk"), port=free_port(),
                                        heap_mb=512, pagecache_mb=128)
    local_server.start(cfg)
    yield cfg
    local_server.stop(cfg)


def _store(cfg: local_server.LocalNeo4jConfig) -> GraphStore:
    return GraphStore(Neo4jConnection(cfg.uri, "neo4j", local_server.read_or_create_password(cfg)))


def _canonical(value: Any) -> Any:
    """Floats to 12 significant digits: a total summed in another order may differ in the last bit."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def _fingerprint(dumped: tuple[list[Any], list[Any]]) -> tuple[dict[str, int], dict[str, int], str]:
    """Counts per label set and per relationship type, and a hash of every node's and link's properties."""
    nodes, rels = dumped
    labels: dict[str, int] = {}
    for labs, _ in nodes:
        labels[labs] = labels.get(labs, 0) + 1
    types: dict[str, int] = {}
    for t, *_ in rels:
        types[t] = types.get(t, 0) + 1
    return labels, types, hashlib.sha256(repr(dumped).encode()).hexdigest()


def _rounded_dump(store: GraphStore) -> tuple[list[Any], list[Any]]:
    nodes = store.read("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")
    rels = store.read("MATCH (a)-[r]->(b) RETURN type(r) AS t, properties(r) AS p, properties(a) AS a, "
                      "properties(b) AS b")

    def props(p: dict[str, Any]) -> str:
        return repr(sorted((k, _canonical(v)) for k, v in p.items()))

    return (sorted((repr(n["l"]), props(n["p"])) for n in nodes),
            sorted((r["t"], props(r["a"]), props(r["b"]), props(r["p"])) for r in rels))


def test_bulk_graph_equals_merge_graph_and_deltas_agree(store: GraphStore, bulk_server: local_server.LocalNeo4jConfig,
                                                        days: tuple[Path, Path]) -> None:
    d1, d2 = days
    load_work_dir(store, d1, D1, workers=1)
    report = bulk_load_local(bulk_server, load_plan(d1), d1, D1, heap_mb=512, offheap_mb=256)
    assert report.rows_written["Account"] >= 300 and report.seconds["bulk.import"] > 0
    with _store(bulk_server) as bulk:
        merged, imported = _rounded_dump(store), _rounded_dump(bulk)
        assert len(merged[0]) > 1000 and len(merged[1]) > 2000  # a real day, not a trivial one
        assert imported[0] == merged[0]  # compared in full first, so a failure shows the differing items
        assert imported[1] == merged[1]
        assert _fingerprint(imported) == _fingerprint(merged)
        want = {f"{label.lower()}_key" for label in ("Account", "Order", "Address", "Build")}
        assert want <= {r["name"] for r in bulk.read("SHOW CONSTRAINTS YIELD name")}
        # The same inputs again: nothing to do, on either graph.
        assert load_work_dir(bulk, d1, D1).mode == UNCHANGED
        # The next night through MERGE on top of each: the same graph again, Build records included.
        load_work_dir(store, d2, D2, workers=1)
        load_work_dir(bulk, d2, D2, workers=1)
        assert _fingerprint(_rounded_dump(bulk)) == _fingerprint(_rounded_dump(store))
        builds = bulk.read("MATCH (b:Build) RETURN b.build_id AS b, b.complete AS c, size(b.steps_done) AS n "
                           "ORDER BY b")
        assert [(r["b"], r["c"]) for r in builds] == [(f"build-{D1}", True), (f"build-{D2}", True)]
        assert builds[0]["n"] == builds[1]["n"] == len(load_plan(d1))
        mentions = bulk.read("MATCH (:Call)-[m:MENTIONS {kind: 'order'}]->(o:Order) RETURN o.order_id AS o")
        assert mentions and "9999999999" not in {r["o"] for r in mentions}


def test_duplicate_keys_are_left_to_the_merge_path(tmp_path: Path) -> None:
    pl.DataFrame({"account_id": ["A1", "A1"], "created_at": [dt.datetime(2026, 1, 1, tzinfo=dt.UTC)] * 2,
                  "phone": [None, None], "phone_raw": [None, None], "register_ip": ["1", "2"],
                  "register_device": ["d", "d"]}).write_parquet(tmp_path / "accounts.parquet")
    with pytest.raises(NotBulkLoadable, match="duplicate account_id"):
        build_tables(tmp_path, D1)
    shutil.rmtree(tmp_path)
