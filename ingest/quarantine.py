"""Quarantined items: rows or files a stage could not use, with the reason and where they were.

Every stage (ingest, asr, vision) writes the same shape (`ingest.schema.QUARANTINE`) to
`WORK_DIR/quarantine/<stage>.parquet`, so one query lists everything a night's build skipped.
Columnar readers collect quarantined rows as polars frames (`quarantine_frame`); per-item loops
(asr/, vision/) collect `QuarantineItem`s. Both end in `write_quarantine`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass
from pathlib import Path

import polars as pl

from ingest.parquet import write_table
from ingest.schema import QUARANTINE

DETAIL_MAX = 200  # characters of the offending value kept in `detail`
ITEM_MAX = 256  # characters of an item id kept (an over-long id is itself the bad value)

# The reasons ingest itself uses (other stages may add their own).
INVALID_JSON = "invalid_json"
INVALID_UTF8 = "invalid_utf8"
MALFORMED_ROW = "malformed_row"  # CSV record with the wrong number of fields
MISSING_FIELD = "missing_field"
BAD_TIMESTAMP = "bad_timestamp"
BAD_NUMBER = "bad_number"
NEGATIVE_AMOUNT = "negative_amount"
NEGATIVE_DWELL = "negative_dwell"
DUPLICATE_ID = "duplicate_id"
TOO_LONG = "too_long"  # a key or free-text value over its documented maximum length
FUTURE_TIMESTAMP = "future_timestamp"  # later than the build date plus the configured tolerance
PATH_OUTSIDE_DAY = "path_outside_day"  # a photo or audio path that resolves outside the day folder


_POLARS_SCHEMA = pl.Schema({f.name: pl.String for f in QUARANTINE} | {"line": pl.Int64})


@dataclass(frozen=True)
class QuarantineItem:
    stage: str  # "ingest" | "asr" | "vision"
    source: str  # input file relative to the day folder
    item: str | None  # the item's id if known
    line: int | None  # 1-based line, None for whole-file items
    reason: str  # short machine-readable reason
    detail: str  # what was wrong, for a human


def quarantine_frame(items: Iterable[QuarantineItem] = ()) -> pl.DataFrame:
    """Items as a frame with the QUARANTINE schema (empty frame if no items)."""
    rows = [astuple(i) for i in items]
    return pl.DataFrame(rows, schema=_POLARS_SCHEMA, orient="row")


def write_quarantine(path: Path, parts: Sequence[pl.DataFrame]) -> int:
    """Write the concatenated parts atomically, sorted by (source, line); returns the row count."""
    frame = pl.concat([quarantine_frame(), *parts], how="vertical_relaxed")
    frame = frame.with_columns(pl.col("detail").str.slice(0, DETAIL_MAX), pl.col("item").str.slice(0, ITEM_MAX)).sort(
        "source", "line", "reason", nulls_last=True)
    write_table(frame, path, QUARANTINE)
    return frame.height
