"""Concurrent batches (`workers` > 1): the scheduling rules, then the graph they leave.

The scheduling rules are tested on a GraphStore whose per-batch write is replaced (logic around
the driver: at most `workers` batches in flight, a batch sharing a key with one in flight waits
for it, an error reaches the caller); the graph is tested on the real local Neo4j: a load with
three concurrent transactions leaves exactly the graph a one-at-a-time load leaves.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graph.errors import GraphQueryError
from graph.loader import build_id_for, load
from graph.steps_ingest import ingest_steps
from graph.store import FreshPath, GraphStore, Neo4jConnection
from testing.workdir import write_day, write_synthetic_day
from tests.graph.test_loader import dump

D1, D2 = "2026-11-26", "2026-11-27"


class _Recorder(GraphStore):
    """A store whose batch write records what runs concurrently instead of calling Neo4j."""

    def __init__(self, fail_on: str | None = None) -> None:
        super().__init__(Neo4jConnection("bolt://127.0.0.1:1", "neo4j", "unused"))  # never connects
        self.lock = threading.Lock()
        self.running: list[frozenset[str]] = []
        self.max_running = 0
        self.overlaps: list[str] = []
        self.applied: list[str] = []  # row ids in the order their batches finished
        self.fail_on = fail_on

    def _write_batch(self, cypher: str, params: dict[str, Any], fresh: FreshPath | None) -> None:
        keys = frozenset(r["k"] for r in params["rows"])
        with self.lock:
            self.overlaps += [k for ks in self.running for k in ks & keys]
            self.running.append(keys)
            self.max_running = max(self.max_running, len(self.running))
        time.sleep(0.01)  # long enough for the scheduler to try to start the next batches
        with self.lock:
            self.running.remove(keys)
            if self.fail_on is not None and self.fail_on in keys:
                raise GraphQueryError(f"batch with {self.fail_on} rejected")
            self.applied += [r["id"] for r in params["rows"]]


def _key(row: Mapping[str, Any]) -> str:
    return str(row["k"])


def test_concurrent_batches_never_share_a_key_and_keep_input_order_per_key() -> None:
    # 60 rows, 3 per batch; key "hot" appears in every fifth batch, the rest are unique.
    rows = [{"id": f"r{i}", "k": "hot" if i % 15 == 0 else f"k{i}"} for i in range(60)]
    store = _Recorder()
    seen: list[int] = []
    total = store.write_batches("UNWIND $rows AS r RETURN r", rows, batch_size=3, workers=3, key=_key,
                                on_batch=seen.append)
    assert total == 60 and seen[-1] == 60 and seen == sorted(seen)
    assert store.overlaps == []
    assert 1 < store.max_running <= 3  # it did run batches at once, never more than asked
    hot = [rid for rid in store.applied if rid in {f"r{i}" for i in range(0, 60, 15)}]
    assert hot == ["r0", "r15", "r30", "r45"]
    assert sorted(store.applied) == sorted(r["id"] for r in rows)


def test_without_a_key_batches_run_one_at_a_time() -> None:
    store = _Recorder()
    store.write_batches("UNWIND $rows AS r RETURN r", [{"id": str(i), "k": str(i)} for i in range(12)],
                        batch_size=2, workers=4, key=None)
    assert store.max_running == 1


def test_an_error_in_one_batch_reaches_the_caller() -> None:
    store = _Recorder(fail_on="k7")
    with pytest.raises(GraphQueryError, match="k7"):
        store.write_batches("UNWIND $rows AS r RETURN r", [{"id": str(i), "k": f"k{i}"} for i in range(40)],
                            batch_size=2, workers=2, key=_key)
    assert "7" not in store.applied
    assert len(store.applied) < 40  # it stopped submitting after the failure


@pytest.mark.integration
def test_concurrent_load_leaves_the_same_graph(store: GraphStore, tmp_path: Path) -> None:
    write_synthetic_day(tmp_path / "d1", n_accounts=300, n_orders=1200)
    write_day(tmp_path / "d2", D2, suffix="b")
    # Day 2 repeats an account with a later value: the later row must win with workers too.
    accounts = pq.read_table(tmp_path / "d2" / "accounts.parquet")
    later = {**accounts.to_pylist()[0], "phone_raw": "later spelling"}
    pq.write_table(pa.concat_tables([accounts, pa.Table.from_pylist([later], schema=accounts.schema)]),
                   tmp_path / "d2" / "accounts.parquet")
    dumps = []
    for workers in (1, 3):
        store.write("MATCH (n) DETACH DELETE n")
        for work, date in ((tmp_path / "d1", D1), (tmp_path / "d2", D2)):
            load(store, ingest_steps(work), build_id_for(date), date, batch_size=41, workers=workers)
        dumps.append(dump(store))
    serial, concurrent = dumps
    assert serial[0] and serial[1]
    assert concurrent == serial


def test_deadlock_retries_are_demoted_but_other_retries_stay_warnings(caplog: pytest.LogCaptureFixture) -> None:
    import graph.store  # noqa: F401  (installs the filter on the driver's logger)

    caplog.set_level(logging.DEBUG)
    driver_log = logging.getLogger("neo4j.session")
    driver_log.warning("Transaction failed and will be retried in %ss (%s)", 0.9,
                       "{neo4j_code: Neo.TransientError.Transaction.DeadlockDetected}")
    driver_log.warning("Transaction failed and will be retried in %ss (%s)", 0.9, "ServiceUnavailable")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in warnings] == ["Transaction failed and will be retried in 0.9s (ServiceUnavailable)"]
    assert any(r.levelno == logging.DEBUG and "deadlock" in r.getMessage() for r in caplog.records)
