"""Integration: loading work folders into the real Neo4j — idempotent, accumulating, resumable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph import analyst
from graph.loader import build_id_for, load
from graph.schema import NODE_KEYS
from graph.steps_ingest import ingest_steps
from graph.store import GraphStore
from testing.workdir import NASTY, write_day

pytestmark = pytest.mark.integration


def dump(store: GraphStore) -> tuple[list[Any], list[Any]]:
    """Every node (labels + properties) and relationship (endpoints, type, properties), sorted."""
    nodes = store.read("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")
    rels = store.read("MATCH (a)-[r]->(b) RETURN elementId(a) AS a0, type(r) AS t, properties(r) AS p, "
                      "properties(a) AS a, properties(b) AS b")
    key = repr
    return (sorted((key(n["l"]), key(sorted(n["p"].items()))) for n in nodes),
            sorted((r["t"], key(sorted(r["a"].items())), key(sorted(r["b"].items())), key(sorted(r["p"].items())))
                   for r in rels))


def load_day(store: GraphStore, work: Path, date: str) -> None:
    load(store, ingest_steps(work), build_id_for(date), date)


def test_load_creates_constraints_and_graph(store: GraphStore, tmp_path: Path) -> None:
    write_day(tmp_path, "2026-11-27")
    load_day(store, tmp_path, "2026-11-27")
    constraints = {r["name"] for r in store.read("SHOW CONSTRAINTS YIELD name")}
    assert {f"{label.lower()}_key" for label in NODE_KEYS} <= constraints
    labels, rels = analyst.counts(store)
    assert labels["Account"] == 4 and labels["Order"] == 3 and labels["Return"] == 1 and labels["Parcel"] == 1
    assert rels["BUYS_FROM"] == 3 and rels["BEHAVES_LIKE"] == 1
    # Two spellings of the drop address resolve to one Address node; the English one stays apart.
    assert labels["Address"] == 2
    # Provenance on every relationship.
    missing = store.read("MATCH ()-[r]->() WHERE r.source IS NULL OR r.build_id IS NULL RETURN count(r) AS n")
    assert missing[0]["n"] == 0


def test_loading_a_day_twice_changes_nothing(store: GraphStore, tmp_path: Path) -> None:
    write_day(tmp_path, "2026-11-27")
    load_day(store, tmp_path, "2026-11-27")
    first = dump(store)
    store.write("MATCH (b:Build) DETACH DELETE b")  # force every step to run again, not be skipped
    load_day(store, tmp_path, "2026-11-27")
    assert dump(store) == first


def test_second_day_accumulates(store: GraphStore, tmp_path: Path) -> None:
    write_day(tmp_path / "d1", "2026-11-27")
    write_day(tmp_path / "d2", "2026-11-28", suffix="9")
    load_day(store, tmp_path / "d1", "2026-11-27")
    load_day(store, tmp_path / "d2", "2026-11-28")
    labels, _ = analyst.counts(store)
    assert labels["Order"] == 6 and labels["Account"] == 4
    flow = store.read("MATCH (:Account {account_id: 'A1'})-[f:BUYS_FROM]->(:Account {account_id: 'A2'}) "
                      "RETURN f.n_orders AS n")
    assert flow == [{"n": 2}]
    days = store.read("MATCH (:Account {account_id: 'A1'})-[u:USES_DEVICE {source: 'clicks'}]->() RETURN u.days AS d")
    assert days == [{"d": ["2026-11-27", "2026-11-28"]}]


def test_cypher_in_data_is_stored_verbatim(store: GraphStore, tmp_path: Path) -> None:
    write_day(tmp_path, "2026-11-27")
    load_day(store, tmp_path, "2026-11-27")
    assert store.read("MATCH (a:Account {account_id: $id}) RETURN count(a) AS n", {"id": NASTY}) == [{"n": 1}]
    assert store.read("MATCH (r:Return) RETURN r.reason AS reason") == [{"reason": NASTY}]
