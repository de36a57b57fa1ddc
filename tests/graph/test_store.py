"""Integration: the real local Neo4j over Bolt, with auth on, through graph/'s one adapter."""

from __future__ import annotations

import pytest

from graph.errors import GraphAuthError, GraphQueryError, GraphUnavailableError
from graph.store import GraphStore, Neo4jConnection
from services import neo4j_local as local_server


def test_writes_nodes_and_relationships_and_reads_them_back(store: GraphStore) -> None:
    store.write_batches(
        "UNWIND $rows AS r MERGE (a:Account {account_id: r.a}) MERGE (d:Device {device_id: r.d}) "
        "MERGE (a)-[u:USES]->(d) SET u.source = $source",
        [{"a": "A1", "d": "D1"}, {"a": "A2", "d": "D1"}, {"a": "A3", "d": "D2"}],
        batch_size=2, extra={"source": "test"})
    rows = store.read("MATCH (a:Account)-[u:USES]->(d:Device) RETURN a.account_id AS a, d.device_id AS d, "
                      "u.source AS s ORDER BY a")
    assert rows == [{"a": "A1", "d": "D1", "s": "test"}, {"a": "A2", "d": "D1", "s": "test"},
                    {"a": "A3", "d": "D2", "s": "test"}]


def test_server_reports_neo4j_526(store: GraphStore) -> None:
    info = store.verify()
    assert info.version.startswith("5.26.")
    assert info.edition == "community"


def test_cypher_in_values_is_stored_verbatim(store: GraphStore) -> None:
    nasty = "x'}) MATCH (n) DETACH DELETE n //` {`"
    store.write("CREATE (:Account {account_id: $id})", {"id": "keep"})
    store.write("CREATE (:Account {account_id: $id})", {"id": nasty})
    rows = store.read("MATCH (a:Account) RETURN a.account_id AS id ORDER BY id")
    assert sorted(r["id"] for r in rows) == sorted(["keep", nasty])


def test_bad_query_becomes_graph_query_error(store: GraphStore) -> None:
    with pytest.raises(GraphQueryError, match="rejected a query"):
        store.read("MATCH (n RETURN n")


def test_wrong_password_gives_clear_auth_error(neo4j_local: local_server.LocalNeo4jConfig) -> None:
    with GraphStore(Neo4jConnection(neo4j_local.uri, "neo4j", "definitely-wrong")) as s:
        with pytest.raises(GraphAuthError, match="NEO4J_PASSWORD"):
            s.verify()


def test_unreachable_server_gives_clear_error() -> None:
    from testing.ports import free_port

    with GraphStore(Neo4jConnection(f"bolt://127.0.0.1:{free_port()}", "neo4j", "x", max_retry_seconds=1)) as s:
        with pytest.raises(GraphUnavailableError, match="riskgraph neo4j start"):
            s.verify()
