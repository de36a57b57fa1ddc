"""`riskgraph alerts export` against a real Neo4j: rings written by graph.writeback come back as
schema-valid alerts in JSON lines, Parquet and CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from alerts import schema
from alerts.export import build_alerts, read_alerts_jsonl, write_alerts
from graph.alerts_query import latest_ring_build, rings_of_build
from graph.store import GraphStore
from graph.writeback import write_rings
from tests.alerts.alert_cases import coupon_ring

pytestmark = pytest.mark.integration


def _write(store: GraphStore, build_id: str, *member_sets: tuple[str, ...]) -> list[str]:
    rings = [coupon_ring(build_id=build_id, members=m, score=0.9 - 0.1 * i) for i, m in enumerate(member_sets)]
    ids = sorted({a for m in member_sets for a in m})
    store.write("UNWIND $ids AS id MERGE (:Account {account_id: id})", {"ids": ids})
    write_rings(store, [r.ring for r in rings], "gnn-test-1", build_id)
    return [r.ring.ring_id for r in rings]


def test_export_latest_build_in_every_format(store: GraphStore, tmp_path: Path) -> None:
    _write(store, "2026-11-25", ("OLD1", "OLD2"))
    ids = _write(store, "2026-11-26", ("U1", "U2", "U3"), ("V1", "V2"))
    store.write("UNWIND $b AS b MERGE (x:Build {build_id: b.id}) SET x.date = b.date, x.complete = true",
                {"b": [{"id": "2026-11-25", "date": "2026-11-25"}, {"id": "2026-11-26", "date": "2026-11-26"}]})
    build = latest_ring_build(store)
    assert build == "2026-11-26"
    alerts, rejected = build_alerts(rings_of_build(store, build))
    assert rejected == []
    assert [a.ring_id for a in alerts] == ids  # best ring score first
    assert [m.account_id for m in alerts[0].members] == ["U1", "U2", "U3"]
    assert alerts[0].evidence[1].modality == "parcels" and alerts[0].indicators.phones == ("+8613800138000",)

    write_alerts(alerts, "jsonl", tmp_path / "a.jsonl")
    lines = (tmp_path / "a.jsonl").read_text().splitlines()
    for line in lines:
        schema.validate(json.loads(line))  # every exported alert validates
    assert read_alerts_jsonl(tmp_path / "a.jsonl") == alerts

    write_alerts(alerts, "parquet", tmp_path / "a.parquet")
    table = pq.read_table(tmp_path / "a.parquet").to_pylist()
    assert [r["ring_id"] for r in table] == ids
    assert table[0]["member_ids"] == ["U1", "U2", "U3"] and table[0]["devices"] == ["DEV-9"]
    assert [schema.loads(r["alert_json"]) for r in table] == alerts

    write_alerts(alerts, "csv", tmp_path / "a.csv")
    with open(tmp_path / "a.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["ring_id"] for r in rows] == ids
    assert json.loads(rows[1]["member_ids"]) == ["V1", "V2"]
    assert [schema.loads(r["alert_json"]) for r in rows] == alerts


def test_an_incomplete_build_is_not_latest(store: GraphStore) -> None:
    _write(store, "2026-11-25", ("A1", "A2"))
    _write(store, "2026-11-26", ("B1", "B2"))
    store.write("MERGE (x:Build {build_id: '2026-11-26'}) SET x.date = '2026-11-26', x.complete = false")
    assert latest_ring_build(store) == "2026-11-25"
