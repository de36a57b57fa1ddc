"""Integration: the CREATE path for new keys (`LoadStep.fresh`) leaves exactly the graph that the
MERGE-only statements leave, including batches that mix new and known keys and keys repeated
within one batch."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graph.loader import LoadStep, build_id_for, load
from graph.steps_ingest import ingest_steps
from graph.store import GraphStore
from testing.workdir import write_day, write_synthetic_day
from tests.graph.test_loader import dump

pytestmark = pytest.mark.integration
D1, D2 = "2026-11-26", "2026-11-27"


def _steps(work: Path, fresh: bool) -> list[LoadStep]:
    steps = ingest_steps(work)
    assert any(s.fresh for s in steps), "the plan no longer has a CREATE path: this test checks nothing"
    return steps if fresh else [dataclasses.replace(s, fresh=None) for s in steps]


def _load_both_ways(store: GraphStore, days: list[tuple[Path, str]], batch_size: int) -> None:
    dumps = []
    for fresh in (False, True):
        store.write("MATCH (n) DETACH DELETE n")
        for work, date in days:
            load(store, _steps(work, fresh), build_id_for(date), date, batch_size=batch_size)
        dumps.append(dump(store))
    merge_only, with_create = dumps
    assert merge_only[0] and merge_only[1]
    assert with_create == merge_only


def _append_rows(path: Path, extra: list[dict[str, object]]) -> None:
    table = pq.read_table(path)
    pq.write_table(pa.concat_tables([table, pa.Table.from_pylist(extra, schema=table.schema)]), path)


def test_create_path_equals_merge_path_on_two_days(store: GraphStore, tmp_path: Path) -> None:
    write_day(tmp_path / "d1", D1)
    write_day(tmp_path / "d2", D2, suffix="b")
    _load_both_ways(store, [(tmp_path / "d1", D1), (tmp_path / "d2", D2)], batch_size=5000)


def test_mixed_and_repeated_keys_in_one_batch(store: GraphStore, tmp_path: Path) -> None:
    write_day(tmp_path / "d1", D1)
    write_day(tmp_path / "d2", D2, suffix="b")
    # Day 2 repeats day 1's orders (known keys) next to its own (new keys), and one new order and
    # one account twice with different values: the later row must win, as with MERGE + SET.
    day1_orders = pq.read_table(tmp_path / "d1" / "orders.parquet").to_pylist()
    day2_orders = pq.read_table(tmp_path / "d2" / "orders.parquet").to_pylist()
    _append_rows(tmp_path / "d2" / "orders.parquet",
                 [*day1_orders, {**day2_orders[0], "amount": 1.25, "ship_phone_raw": "later spelling"}])
    accounts = pq.read_table(tmp_path / "d2" / "accounts.parquet").to_pylist()
    _append_rows(tmp_path / "d2" / "accounts.parquet", [{**accounts[0], "phone_raw": "later", "register_ip": "10.9.9.9"}])
    _load_both_ways(store, [(tmp_path / "d1", D1), (tmp_path / "d2", D2)], batch_size=5000)


def test_create_path_equals_merge_path_across_small_batches(store: GraphStore, tmp_path: Path) -> None:
    write_synthetic_day(tmp_path / "day", n_accounts=120, n_orders=400)
    _load_both_ways(store, [(tmp_path / "day", D2)], batch_size=37)
