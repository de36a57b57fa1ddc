"""The media work lists: the rows of calls.csv and returns.csv that carry a recording or a photo,
read through the same contract, column mapping and row rules as the graph's tables, so asr/ and
vision/ never parse an input file of their own and a contract change reaches every stage.

A row the contract rejects is quarantined under the calling stage (it is that stage's item that
was skipped); a row without media is not bad data (ingest counts those).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from ingest.csvread import LINE
from ingest.normalize import normalize_phone
from ingest.quarantine import QuarantineItem
from ingest.rules import ReadSpec
from ingest.tables import read_table

CALLS_FILE = "calls.csv"
RETURNS_FILE = "returns.csv"


@dataclass(frozen=True)
class CallItem:
    """A call with a recording."""

    call_id: str
    caller_phone: str | None  # E.164, or None if the raw value is not a phone we recognize
    account_id: str | None  # None when the caller is not matched to an account
    audio: str  # path relative to the day folder (already confined to it)
    started_at: str  # as exported (validated by the contract: ISO 8601, an offset or the configured zone)
    language: str | None  # per-call hint (ISO 639-1, lower case); None = the configured default / detect
    line: int  # 1-based record number in calls.csv (header = 1)


@dataclass(frozen=True)
class PhotoItem:
    """A return with a parcel photo."""

    return_id: str
    photo: str  # path relative to the day folder (already confined to it)
    line: int  # 1-based record number in returns.csv (header = 1)


def _has(col: str) -> pl.Expr:
    return pl.col(col).is_not_null() & (pl.col(col).str.strip_chars() != "")


def _restamp(frame: pl.DataFrame, stage: str) -> list[QuarantineItem]:
    return [replace(QuarantineItem(**r), stage=stage) for r in frame.iter_rows(named=True)]


def call_items(day: Path, spec: ReadSpec | None = None, stage: str = "asr"
               ) -> tuple[list[CallItem], list[QuarantineItem]]:
    """calls.csv rows with audio, and the rows with audio the contract rejected."""
    result = read_table(day, CALLS_FILE, spec or ReadSpec(), "call_id", lambda f: f, where=_has("audio"))
    items = [CallItem(r["call_id"], normalize_phone(r["caller_phone"]), r["account_id"] or None,
                      r["audio"].strip(), r["started_at"], (r["language"] or "").strip().lower() or None, r[LINE])
             for r in result.rows.iter_rows(named=True)]
    return items, _restamp(result.quarantined, stage)


def photo_items(day: Path, spec: ReadSpec | None = None, stage: str = "vision"
                ) -> tuple[list[PhotoItem], list[QuarantineItem]]:
    """returns.csv rows with a photo, and the rows with a photo the contract rejected."""
    result = read_table(day, RETURNS_FILE, spec or ReadSpec(), "return_id", lambda f: f, where=_has("photo"))
    items = [PhotoItem(r["return_id"], r["photo"].strip(), r[LINE]) for r in result.rows.iter_rows(named=True)]
    return items, _restamp(result.quarantined, stage)
