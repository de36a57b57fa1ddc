"""Session-wide fixtures: offline guard, a real local Neo4j on a free port, a GraphStore."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from riskgraph.offline import configure_offline
from testing.ports import free_port
from tests import netguard

_VAR = Path(tempfile.mkdtemp(prefix="riskgraph-test-var-"))
configure_offline(_VAR)
netguard.install()


@pytest.fixture(autouse=True)
def _no_network() -> Iterator[None]:
    """Every test fails if it (or a library it calls) attempted to reach the network."""
    before = len(netguard.attempts)
    yield
    new = netguard.attempts[before:]
    assert not new, f"network access attempted: {new}"


@pytest.fixture(scope="session")
def neo4j_local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A real Neo4j 5.26 started once per test session, on a free port, with a temporary store."""
    from services import neo4j_local as local_server

    cfg = local_server.LocalNeo4jConfig(home=tmp_path_factory.mktemp("neo4j"), port=free_port(),
                                        heap_mb=768, pagecache_mb=256)
    local_server.start(cfg)
    yield cfg
    local_server.stop(cfg)


@pytest.fixture()
def store(neo4j_local: object) -> Iterator[object]:
    """A GraphStore on an emptied database (tests see only their own data)."""
    from graph.store import GraphStore, Neo4jConnection
    from services.neo4j_local import LocalNeo4jConfig, read_or_create_password

    assert isinstance(neo4j_local, LocalNeo4jConfig)
    conn = Neo4jConnection(neo4j_local.uri, "neo4j", read_or_create_password(neo4j_local))
    with GraphStore(conn) as s:
        s.write("MATCH (n) DETACH DELETE n")
        yield s



@pytest.fixture(scope="session")
def kafka_local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A real single-node Kafka (KRaft) started once per test session, on free ports, in a temporary dir."""
    from services import kafka_local as local

    cfg = local.LocalKafkaConfig(home=tmp_path_factory.mktemp("kafka"), port=free_port(),
                                 controller_port=free_port(), heap_mb=512)
    local.start(cfg)
    yield cfg
    local.stop(cfg)


@pytest.fixture()
def kafka_bootstrap(kafka_local: object) -> str:
    from services.kafka_local import LocalKafkaConfig

    assert isinstance(kafka_local, LocalKafkaConfig)
    return kafka_local.bootstrap
