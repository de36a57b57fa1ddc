"""The two ingest stages as functions from a day folder to Parquet files under a work folder.

`ingest_orders`: accounts, orders, returns, calls metadata, reference labels and fraud addresses ->
accounts, orders, returns, calls_meta, labels, fraud_addresses, flows.
`ingest_clicks`: clicks/*.jsonl -> sessions, fingerprints, similar_pairs.
Both add their quarantined rows to quarantine/ingest.parquet, replacing the rows of their own
sources from an earlier run, so re-running either stage (or both, in any order) gives the same files.
Every file is written atomically; outputs are sorted so equal inputs give byte-equal row order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from ingest import schema
from ingest.clicks import click_files, iter_clicks
from ingest.config import IngestConfig
from ingest.contract import CSV_SOURCES
from ingest.fingerprint import account_fingerprints
from ingest.flows import build_flows, join_returns
from ingest.parquet import write_table
from ingest.quarantine import quarantine_frame, write_quarantine
from ingest.rules import ReadSpec
from ingest.sessions import mark_regular, session_stats, session_table, sessionize
from ingest.similar import similar_pairs
from ingest.tables import (
    read_accounts,
    read_calls,
    read_fraud_addresses,
    read_labels,
    read_orders,
    read_returns,
)

log = logging.getLogger(__name__)

# on_progress(step, done, total, unit): unit is "bytes" (reading clicks) or "steps"
ProgressFn = Callable[[str, int, int, str], None]
QUARANTINE_FILE = Path("quarantine") / "ingest.parquet"


@dataclass(frozen=True)
class StageResult:
    rows: dict[str, int] = field(default_factory=dict)  # output stem -> rows written
    quarantined: int = 0  # rows this run sent to quarantine
    # rows kept that merely have no media (a call without a recording, a return without a photo):
    # not bad data, so not quarantined; counted here so the report can say how many
    without_media: dict[str, int] = field(default_factory=dict)


def build_date_of(day: Path, build_date: date | None = None) -> date | None:
    """The build date: given, or the day folder's name when it is YYYY-MM-DD (RAW/2026-11-27)."""
    if build_date is not None:
        return build_date
    try:
        return date.fromisoformat(day.name)
    except ValueError:
        return None


def _noop(step: str, done: int, total: int, unit: str) -> None:
    return None


def ingest_orders(day: Path, work: Path, cfg: IngestConfig | None = None,
                  on_progress: ProgressFn = _noop, build_date: date | None = None) -> StageResult:
    """`build_date` (default: the day folder's name, if a date) bounds timestamps (future_timestamp)."""
    spec = ReadSpec.for_build(cfg or IngestConfig(), build_date_of(day, build_date))
    steps = ("accounts", "orders", "returns", "calls", "reference", "flows")
    on_progress("tables", 0, len(steps), "steps")
    accounts = read_accounts(day, spec)
    on_progress("tables", 1, len(steps), "steps")
    orders = read_orders(day, spec)
    on_progress("tables", 2, len(steps), "steps")
    returns = read_returns(day, spec)
    on_progress("tables", 3, len(steps), "steps")
    calls = read_calls(day, spec)
    on_progress("tables", 4, len(steps), "steps")
    labels = read_labels(day, spec)
    fraud_addresses = read_fraud_addresses(day, spec)
    on_progress("tables", 5, len(steps), "steps")
    outputs = {
        "accounts": accounts.rows.sort("account_id"),
        "orders": orders.rows.sort("order_id"),
        "returns": join_returns(returns.rows, orders.rows).sort("return_id"),
        "calls_meta": calls.rows.sort("call_id"),
        "labels": labels.rows.sort("account_id", "source", "label", nulls_last=True),
        "fraud_addresses": fraud_addresses.rows.sort("address", "source", nulls_last=True),
        "flows": build_flows(orders.rows, returns.rows),
    }
    rows = _write_outputs(work, outputs)
    bad = [accounts.quarantined, orders.quarantined, returns.quarantined, calls.quarantined, labels.quarantined,
           fraud_addresses.quarantined]
    n_bad = _update_quarantine(work, pl.col("source").is_in(CSV_SOURCES), bad)
    on_progress("tables", len(steps), len(steps), "steps")
    without = {"calls_without_audio": outputs["calls_meta"].get_column("audio").null_count(),
               "returns_without_photo": outputs["returns"].get_column("photo").null_count()}
    return StageResult(rows, n_bad, without)


def ingest_clicks(day: Path, work: Path, cfg: IngestConfig | None = None,
                  on_progress: ProgressFn = _noop, build_date: date | None = None) -> StageResult:
    cfg = cfg or IngestConfig()
    spec = ReadSpec.for_build(cfg, build_date_of(day, build_date))
    files = click_files(day)
    total = sum(f.stat().st_size for f in files)
    done = 0
    on_progress("read clicks", 0, total, "bytes")
    chunks, bad = [], []
    for chunk in iter_clicks(day, files, spec):
        chunks.append(chunk.events)
        bad.append(chunk.quarantined)
        done += chunk.bytes_read
        on_progress("read clicks", done, total, "bytes")
    events = pl.concat(chunks)
    del chunks
    log.info("%d click events read from %d files", events.height, len(files))
    on_progress("fingerprints", 0, 3, "steps")
    ordered = sessionize(events, cfg.shingle_size)
    del events
    stats = session_stats(ordered, cfg.regular_min_events, cfg.regular_max_cv)
    ordered = mark_regular(ordered, stats)
    sessions = session_table(stats)
    on_progress("fingerprints", 1, 3, "steps")
    fingerprints = account_fingerprints(ordered, stats, cfg)
    on_progress("fingerprints", 2, 3, "steps")
    pairs = similar_pairs(fingerprints, ordered, cfg)
    on_progress("fingerprints", 3, 3, "steps")
    meta = {"minhash_num_perm": str(cfg.num_perm), "minhash_seed": str(cfg.seed),
            "minhash_scheme": "affine32", "shingle_size": str(cfg.shingle_size)}
    rows = _write_outputs(work, {"sessions": sessions, "fingerprints": fingerprints, "similar_pairs": pairs},
                          meta)
    n_bad = _update_quarantine(work, pl.col("source").str.starts_with("clicks/"), bad)
    return StageResult(rows, n_bad)


def _write_outputs(work: Path, frames: dict[str, pl.DataFrame], metadata: dict[str, str] | None = None
                   ) -> dict[str, int]:
    for stem, frame in frames.items():
        write_table(frame, work / f"{stem}.parquet", schema.OUTPUTS[stem], metadata)
        log.info("wrote %s.parquet (%d rows)", stem, frame.height)
    return {stem: frame.height for stem, frame in frames.items()}


def _update_quarantine(work: Path, mine: pl.Expr, parts: list[pl.DataFrame]) -> int:
    """Replace this stage's rows in quarantine/ingest.parquet (other sources' rows are kept)."""
    path = work / QUARANTINE_FILE
    kept = quarantine_frame()
    if path.exists():
        previous = pl.from_arrow(pq.read_table(path))
        assert isinstance(previous, pl.DataFrame)
        kept = previous.filter(~mine)
    new = pl.concat([quarantine_frame(), *parts], how="vertical_relaxed")
    write_quarantine(path, [kept, new])
    return new.height
