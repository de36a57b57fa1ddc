"""Integration: a load killed mid-way (the loader process, or Neo4j itself) and re-run ends in
exactly the state of a clean load (full dump of nodes, relationships and their properties)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.loader import RESUMED
from graph.plan import load_work_dir
from graph.store import GraphStore
from services import neo4j_local as local_server
from services.neo4j_local import LocalNeo4jConfig
from testing.workdir import write_synthetic_day
from tests.graph.test_loader import dump

pytestmark = pytest.mark.integration
DATE = "2026-11-27"


@pytest.fixture(scope="module")
def big_day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("bigday")
    write_synthetic_day(work, n_accounts=1500, n_orders=5000)
    return work


@pytest.fixture(scope="module")
def clean_dump(big_day: Path, neo4j_local: LocalNeo4jConfig) -> tuple[list[object], list[object]]:
    conn_store = _store(neo4j_local)
    with conn_store as s:
        s.write("MATCH (n) DETACH DELETE n")
        load_work_dir(s, big_day, DATE)  # as `riskgraph graph load` does
        return dump(s)


def _store(cfg: LocalNeo4jConfig) -> GraphStore:
    from graph.store import Neo4jConnection

    return GraphStore(Neo4jConnection(cfg.uri, "neo4j", local_server.read_or_create_password(cfg)))


def _start_loader(work: Path, cfg: LocalNeo4jConfig) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NEO4J_URI": cfg.uri, "NEO4J_USER": "neo4j",
           "NEO4J_PASSWORD": local_server.read_or_create_password(cfg), "RISKGRAPH_GRAPH_BATCH_SIZE": "300"}
    return subprocess.Popen([sys.executable, "-m", "riskgraph", "graph", "load", str(work), "--date", DATE],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_mid_load(store: GraphStore, proc: subprocess.Popen[bytes], timeout: float = 300) -> None:
    """Block until the loader has committed part of the orders but not finished."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"loader ended before it could be interrupted: {proc.stderr.read() if proc.stderr else ''}"
        n = store.read("MATCH (o:Order) RETURN count(o) AS n")[0]["n"]
        if n >= 300:
            return
        time.sleep(0.05)
    raise AssertionError("loader made no progress")


def test_killed_loader_then_rerun_equals_clean_load(store: GraphStore, big_day: Path, neo4j_local: LocalNeo4jConfig,
                                                   clean_dump: tuple[list[object], list[object]]) -> None:
    store.write("MATCH (n) DETACH DELETE n")
    proc = _start_loader(big_day, neo4j_local)
    _wait_mid_load(store, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert store.read("MATCH (b:Build) RETURN b.complete AS c") == [{"c": False}]
    assert load_work_dir(store, big_day, DATE).mode == RESUMED
    assert dump(store) == clean_dump


def test_killed_neo4j_then_rerun_equals_clean_load(store: GraphStore, big_day: Path, neo4j_local: LocalNeo4jConfig,
                                                  clean_dump: tuple[list[object], list[object]]) -> None:
    store.write("MATCH (n) DETACH DELETE n")
    proc = _start_loader(big_day, neo4j_local)
    _wait_mid_load(store, proc)
    local_server.kill(neo4j_local)  # SIGKILL: no checkpoint, the restart runs recovery
    assert proc.wait(timeout=120) != 0
    err = proc.stderr.read().decode() if proc.stderr else ""
    assert "cannot reach Neo4j" in err, err
    local_server.start(neo4j_local)
    with _store(neo4j_local) as fresh:
        assert load_work_dir(fresh, big_day, DATE).mode == RESUMED
        assert dump(fresh) == clean_dump
