"""Merge one day's work folder into Neo4j, idempotently and resumably.

A load is a list of `LoadStep`s, each one parameterized `UNWIND $rows ... MERGE` statement fed
from one Parquet file in batches. Every write is a MERGE on a constrained key followed by SETs of
values that depend only on the input, so:
  * loading the same day twice changes nothing; given the fingerprint of the day's inputs
    (`graph.reload.input_fingerprint`), a day whose inputs changed since it was loaded is
    replaced: what it contributed is removed, then it is loaded again (`graph.reload`);
  * a load killed at any point (process or Neo4j) and re-run converges on the state of a clean
    load: finished steps are recorded on the `(:Build)` node and skipped, and the step that was
    interrupted is replayed from its start (its committed batches are merged again, harmlessly).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.reload import remove_day
from graph.schema import build_id_for, schema_statements
from graph.store import FreshPath, GraphStore

log = logging.getLogger(__name__)
__all__ = ["LoadReport", "LoadStep", "build_id_for", "load", "parquet_rows"]

Rows = Callable[[], Iterable[Mapping[str, Any]]]
Progress = Callable[[str, int], None]  # (step name, rows written so far in this step)


@dataclass(frozen=True)
class LoadStep:
    """One statement fed from one source. `cypher` binds `$rows`, `$build_id`, `$source` and `$date`."""

    name: str  # unique within a load, e.g. "orders.ships_to"
    source: str  # provenance written on relationships: orders, clicks, call_transcript, parcel_ocr
    cypher: str
    rows: Rows  # lazily reads the input; called once per (re-)run of the step
    batch_size: int = 5000
    fresh: FreshPath | None = None  # CREATE path for rows whose key node is new (same result, less work)
    # Row fields naming what a row writes (rows with equal values touch the same node or link). A step
    # with a key (or a fresh path, keyed by its node key) may run its batches concurrently.
    key: tuple[str, ...] = ()

    def row_key(self) -> Callable[[Mapping[str, Any]], Hashable] | None:
        fields = self.key or ((self.fresh.key,) if self.fresh else ())
        if not fields:
            return None
        return lambda row: tuple(row[f] for f in fields)


# What a load did with the day (LoadReport.mode).
NEW = "new"  # the day was not in the graph
UNCHANGED = "unchanged"  # same inputs as the recorded load, which had finished: nothing to do
RESUMED = "resumed"  # same inputs, an interrupted load finished
REPLACED = "replaced"  # the inputs changed: the day's old data was removed, then the day loaded


@dataclass(frozen=True)
class LoadReport:
    build_id: str
    steps_run: tuple[str, ...]
    steps_skipped: tuple[str, ...]
    rows_written: Mapping[str, int] = field(default_factory=dict)
    seconds: Mapping[str, float] = field(default_factory=dict)  # wall time per step run (profiling)
    mode: str = NEW  # NEW | UNCHANGED | RESUMED | REPLACED


def load(store: GraphStore, steps: Sequence[LoadStep], build_id: str, date: str,
         progress: Progress | None = None, batch_size: int | None = None, workers: int = 1,
         fingerprint: str | None = None, fingerprint_props: tuple[str, ...] = ()) -> LoadReport:
    """Run `steps` in order for `build_id`; skips the steps a previous run already finished.

    With `fingerprint` (of the inputs), a build recorded with another fingerprint is replaced
    first (`graph.reload.remove_day`; `fingerprint_props` are the fp_* account properties a day
    sets); without one, a recorded build is resumed whatever its inputs.
    `batch_size` overrides every step's rows-per-transaction (bigger is faster, smaller holds
    less memory in Neo4j's transaction state). `workers` is how many transactions of one keyed
    step may run at once; steps still run one after another, since later ones read earlier ones."""
    names = [s.name for s in steps]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate step names in load plan: {names}")
    store.run_schema(schema_statements())
    mode = _prepare(store, build_id, date, fingerprint, fingerprint_props)
    done = set(_steps_done(store, build_id))
    if mode != REPLACED and done:
        mode = UNCHANGED if done >= set(names) else RESUMED
    ran: list[str] = []
    skipped: list[str] = []
    written: dict[str, int] = {}
    seconds: dict[str, float] = {}
    for step in steps:
        if step.name in done:
            skipped.append(step.name)
            continue
        t0 = time.perf_counter()
        written[step.name] = _run_step(store, step, build_id, date, progress,
                                       batch_size or step.batch_size, workers)
        seconds[step.name] = time.perf_counter() - t0
        store.write("MATCH (b:Build {build_id: $build_id}) "
                    "SET b.steps_done = CASE WHEN $step IN b.steps_done THEN b.steps_done "
                    "ELSE b.steps_done + $step END", {"build_id": build_id, "step": step.name})
        ran.append(step.name)
        log.debug("step %s: %d rows in %.1fs", step.name, written[step.name], seconds[step.name])
    store.write("MATCH (b:Build {build_id: $build_id}) SET b.complete = true", {"build_id": build_id})
    log.info("load %s: %s (%d steps run, %d skipped)", build_id, mode, len(ran), len(skipped))
    return LoadReport(build_id, tuple(ran), tuple(skipped), written, seconds, mode)


def _prepare(store: GraphStore, build_id: str, date: str, fingerprint: str | None,
             fingerprint_props: tuple[str, ...]) -> str:
    """Create the Build node, or replace the recorded day if its inputs changed; NEW or REPLACED
    (load() then tells unchanged from resumed by the steps already done)."""
    rows = store.read("MATCH (b:Build {build_id: $build_id}) RETURN b.fingerprint AS fp", {"build_id": build_id})
    params = {"build_id": build_id, "date": date, "fp": fingerprint}
    if not rows:
        store.write("MERGE (b:Build {build_id: $build_id}) ON CREATE SET b.date = $date, b.steps_done = [], "
                    "b.complete = false, b.fingerprint = $fp", params)
        return NEW
    if fingerprint is None or rows[0]["fp"] == fingerprint:
        return NEW
    # The fingerprint is recorded only once the old data is gone: a removal killed mid-way is redone.
    remove_day(store, build_id, date, fingerprint_props)
    store.write("MATCH (b:Build {build_id: $build_id}) SET b.steps_done = [], b.complete = false, "
                "b.fingerprint = $fp", params)
    return REPLACED


def _run_step(store: GraphStore, step: LoadStep, build_id: str, date: str, progress: Progress | None,
              batch_size: int, workers: int) -> int:
    def report(total: int) -> None:
        if progress:
            progress(step.name, total)

    return store.write_batches(step.cypher, step.rows(), batch_size,
                               extra={"build_id": build_id, "source": step.source, "date": date}, on_batch=report,
                               fresh=step.fresh, workers=workers, key=step.row_key())


def _steps_done(store: GraphStore, build_id: str) -> list[str]:
    rows = store.read("MATCH (b:Build {build_id: $build_id}) RETURN b.steps_done AS done", {"build_id": build_id})
    return list(rows[0]["done"] or []) if rows else []


def parquet_rows(path: Path, columns: Sequence[str] | None = None,
                 transform: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None) -> Rows:
    """A lazy row source over a Parquet file, read in record batches (bounded memory).

    `transform` may reshape a row or drop it by returning None. A missing file yields nothing:
    every source is optional (a day without calls still loads).
    """

    def rows() -> Iterator[Mapping[str, Any]]:
        if not path.exists():
            return
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        for rb in pf.iter_batches(batch_size=20_000, columns=list(columns) if columns else None):
            for row in rb.to_pylist():
                out = transform(row) if transform else row
                if out is not None:
                    yield out

    return rows
