"""The local Neo4j process: restart keeps data, and set-up problems give one clear error."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import pytest

from graph.store import GraphStore, Neo4jConnection
from services import neo4j_local as local_server
from services.errors import LocalServerError
from services.neo4j_local import LocalNeo4jConfig
from testing.ports import free_port


def _connect(cfg: LocalNeo4jConfig) -> GraphStore:
    return GraphStore(Neo4jConnection(cfg.uri, "neo4j", local_server.read_or_create_password(cfg)))


@pytest.mark.integration
def test_restart_keeps_data_and_stop_is_clean(tmp_path: Path) -> None:
    cfg = LocalNeo4jConfig(home=tmp_path / "db", port=free_port(), heap_mb=512, pagecache_mb=64)
    local_server.start(cfg)
    try:
        with _connect(cfg) as s:
            s.write("CREATE (:Account {account_id: $id})-[:USES]->(:Device {device_id: $d})", {"id": "A9", "d": "D9"})
        assert local_server.stop(cfg)
        assert not local_server.status(cfg).running
        pw_mode = stat.S_IMODE(cfg.password_file.stat().st_mode)
        assert pw_mode == 0o600
        local_server.start(cfg)
        with _connect(cfg) as s:
            rows = s.read("MATCH (a:Account)-[:USES]->(d:Device) RETURN a.account_id AS a, d.device_id AS d")
        assert rows == [{"a": "A9", "d": "D9"}]
    finally:
        local_server.stop(cfg)
    assert not local_server.status(cfg).running


def test_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        cfg = LocalNeo4jConfig(home=tmp_path / "db", port=s.getsockname()[1])
        with pytest.raises(LocalServerError, match="already in use"):
            local_server.start(cfg)


def test_missing_java_is_a_clear_error(tmp_path: Path) -> None:
    cfg = LocalNeo4jConfig(home=tmp_path / "db", port=free_port(), java="no-such-java-binary")
    with pytest.raises(LocalServerError, match="Java not found"):
        local_server.start(cfg)


def test_old_java_is_a_clear_error(tmp_path: Path) -> None:
    fake = tmp_path / "java"
    fake.write_text('#!/bin/sh\necho \'openjdk version "11.0.2" 2019-01-15\' >&2\n')
    fake.chmod(0o755)
    cfg = LocalNeo4jConfig(home=tmp_path / "db", port=free_port(), java=str(fake))
    with pytest.raises(LocalServerError, match="Java 11 is too old"):
        local_server.start(cfg)


def test_unwritable_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    cfg = LocalNeo4jConfig(home=blocker / "db", port=free_port())
    with pytest.raises(LocalServerError, match="not writable"):
        local_server.start(cfg)
