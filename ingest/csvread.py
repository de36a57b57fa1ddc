"""Chunked CSV reading into string columns, with contract checks and row quarantine.

The reader only splits records and checks encoding; typing (timestamps, amounts) is done per
table in `ingest.tables`. Memory is bounded by `block_bytes`: each yielded chunk holds about that
much input. Every good row carries `_line`, its 1-based record number in the file (the header is
record 1); this equals the physical line unless a quoted field spans lines.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.csv as pcsv

from ingest.errors import InputError
from ingest.quarantine import DETAIL_MAX, INVALID_UTF8, MALFORMED_ROW, QuarantineItem, quarantine_frame

LINE = "_line"
DEFAULT_BLOCK_BYTES = 16 << 20


@dataclass(frozen=True)
class CsvChunk:
    rows: pl.DataFrame  # the contract's columns as String (stripped, "" -> null) plus `_line` (Int64)
    quarantined: pl.DataFrame  # QUARANTINE-shaped rows found in this chunk


@dataclass
class _Skipped:
    """Record numbers pyarrow skipped as malformed, in file order."""

    numbers: list[int] = field(default_factory=list)
    items: list[QuarantineItem] = field(default_factory=list)


def read_header(path: Path) -> list[str]:
    """The column names of a CSV file; InputError if the file is missing or empty."""
    if not path.is_file():
        raise InputError(f"{path}: file not found; the day folder must contain it (see docs/ingest.md)")
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as fh:
        header = next(csv.reader(fh), None)
    if not header:
        raise InputError(f"{path}: empty file, expected a header row")
    return [h.strip() for h in header]


def check_columns(path: Path, header: list[str], required: tuple[str, ...],
                  renames: Mapping[str, str] | None = None) -> None:
    renames = renames or {}
    for col in required:
        theirs = renames.get(col, col)
        if theirs not in header:
            mapped = f" (the export's name for '{col}' in [ingest.columns])" if theirs != col else ""
            raise InputError(f"{path}: required column '{theirs}'{mapped} is missing (found: {', '.join(header)}); "
                             "fix the export, or map its column names in [ingest.columns] (docs/ingest.md)")


def iter_csv(path: Path, source: str, required: tuple[str, ...], block_bytes: int = DEFAULT_BLOCK_BYTES,
             optional: tuple[str, ...] = (), renames: Mapping[str, str] | None = None) -> Iterator[CsvChunk]:
    """Yield chunks of `path` holding the `required` and `optional` columns under their contract
    names (`renames`: contract name -> the export's name); an absent optional column is null.
    Malformed and non-UTF-8 rows are quarantined."""
    renames = dict(renames or {})
    header = read_header(path)
    check_columns(path, header, required, renames)
    wanted = [*required, *optional]
    present = {renames.get(c, c): c for c in wanted if renames.get(c, c) in header}
    absent = [c for c in wanted if c not in present.values()]
    skipped = _Skipped()

    def on_invalid(row: pcsv.InvalidRow) -> str:
        number = int(row.number) if row.number is not None else -1
        skipped.numbers.append(number)
        skipped.items.append(QuarantineItem(
            "ingest", source, None, number if number > 0 else None, MALFORMED_ROW,
            f"expected {row.expected_columns} fields, found {row.actual_columns}: {row.text[:DETAIL_MAX]}"))
        return "skip"

    reader = pcsv.open_csv(
        path,
        read_options=pcsv.ReadOptions(use_threads=False, block_size=block_bytes),
        parse_options=pcsv.ParseOptions(invalid_row_handler=on_invalid, newlines_in_values=True),
        convert_options=pcsv.ConvertOptions(
            include_columns=list(present), column_types={c: pa.binary() for c in present},
            strings_can_be_null=False, quoted_strings_can_be_null=False),
    )

    def contract_names(frame: pl.DataFrame) -> pl.DataFrame:
        frame = frame.rename(present).with_columns(pl.lit(None, pl.String).alias(c) for c in absent)
        return frame.select(*wanted, LINE)

    good_before = 0
    for batch in reader:
        lines = _record_numbers(good_before, batch.num_rows, skipped.numbers)
        good_before += batch.num_rows
        rows, bad = _decode(batch, lines, source)
        quarantined = pl.concat([quarantine_frame(skipped.items), bad])
        skipped.items.clear()
        yield CsvChunk(contract_names(rows), quarantined)
    if skipped.items:  # malformed rows after the last good batch
        yield CsvChunk(empty_rows(wanted), quarantine_frame(skipped.items))


def empty_rows(columns: list[str]) -> pl.DataFrame:
    return pl.DataFrame(schema={**{c: pl.String for c in columns}, LINE: pl.Int64})


def _record_numbers(good_before: int, n: int, skipped: list[int]) -> np.ndarray:
    """Record numbers of good rows good_before .. good_before+n-1, given skipped record numbers.

    Good row k (0-based, in file order) is record r = k + 2 + (#skipped records before r); with
    s_j sorted, the number of good rows before skipped record s_j is s_j - 2 - j.
    """
    k = np.arange(good_before, good_before + n, dtype=np.int64)
    if not skipped:
        return k + 2
    s = np.sort(np.asarray([x for x in skipped if x > 0], dtype=np.int64))
    good_before_skip = s - 2 - np.arange(len(s))
    return k + 2 + np.searchsorted(good_before_skip, k, side="right")


def _decode(batch: pa.RecordBatch, lines: np.ndarray, source: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Binary columns -> stripped String columns; rows with invalid UTF-8 are quarantined."""
    bad = np.zeros(batch.num_rows, dtype=bool)
    bad_cols: dict[int, str] = {}
    cols: dict[str, pa.Array] = {}
    for name, arr in zip(batch.schema.names, batch.columns, strict=True):
        try:
            cols[name] = arr.cast(pa.string())
        except pa.ArrowInvalid:  # rare: find the offending rows in Python, null them, cast again
            values = arr.to_pylist()
            ok = [v is None or _is_utf8(v) for v in values]
            for i, good in enumerate(ok):
                if not good:
                    bad[i] = True
                    bad_cols.setdefault(i, name)
            cols[name] = pa.array([v if g else None for v, g in zip(values, ok, strict=True)],
                                  pa.binary()).cast(pa.string())
    frame = pl.from_arrow(pa.table(cols))
    assert isinstance(frame, pl.DataFrame)
    frame = frame.with_columns(
        pl.col(c).str.strip_chars().replace("", None) for c in frame.columns
    ).with_columns(pl.Series(LINE, lines, dtype=pl.Int64))
    items = [QuarantineItem("ingest", source, None, int(lines[i]), INVALID_UTF8,
                            f"column {bad_cols[i]} is not valid UTF-8") for i in np.flatnonzero(bad).tolist()]
    return frame.filter(~pl.Series(bad)), quarantine_frame(items)


def _is_utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


