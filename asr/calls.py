"""Reader for a day's `calls.csv`: call_id, caller_phone, account_id (may be empty), audio, started_at.

An optional `language` column (ISO 639-1) is the per-call language hint. A missing required column
stops the job with a message naming file and column; a bad row is quarantined and the rest go on.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ingest.contract import contract_header
from ingest.errors import InputError
from ingest.normalize import normalize_phone
from ingest.quarantine import QuarantineItem

REQUIRED_COLUMNS = ("call_id", "caller_phone", "account_id", "audio", "started_at")
CALLS_FILE = "calls.csv"
STAGE = "asr"


@dataclass(frozen=True)
class CallRecord:
    """One row of calls.csv."""

    call_id: str
    caller_phone: str | None  # E.164, or None if the raw value is not a phone we recognize
    account_id: str | None  # None when the caller is not matched to an account
    audio: str  # path relative to the day folder
    started_at: str  # as given (ISO 8601 by contract)
    language: str | None  # per-call hint; None = use the configured default / detect
    line: int  # 1-based record number in calls.csv (header = 1)


def parse_calls(rows: list[dict[str, str]], columns: list[str], source: str
                ) -> tuple[list[CallRecord], list[QuarantineItem]]:
    """Rows (as csv.DictReader gives them) -> calls, plus quarantine records for bad rows."""
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InputError(f"{source} lacks required column(s) {', '.join(missing)}; "
                         f"calls.csv needs {', '.join(REQUIRED_COLUMNS)}")
    calls: list[CallRecord] = []
    bad: list[QuarantineItem] = []
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        call_id = (row.get("call_id") or "").strip()
        audio = (row.get("audio") or "").strip()
        if not call_id:
            bad.append(QuarantineItem(STAGE, CALLS_FILE, None, line, "missing_field", "call_id is empty"))
            continue
        if not audio:  # a call logged without a recording: nothing to transcribe, not bad data (ingest counts it)
            continue
        if call_id in seen:
            bad.append(QuarantineItem(STAGE, CALLS_FILE, call_id, line, "duplicate_id", f"call_id {call_id} again"))
            continue
        seen.add(call_id)
        calls.append(CallRecord(
            call_id=call_id, caller_phone=normalize_phone(row.get("caller_phone")),
            account_id=(row.get("account_id") or "").strip() or None, audio=audio,
            started_at=(row.get("started_at") or "").strip(),
            language=(row.get("language") or "").strip().lower() or None, line=line))
    return calls, bad


def read_calls(day_dir: Path, columns: Mapping[str, str] | None = None) -> tuple[list[CallRecord], list[QuarantineItem]]:
    path = day_dir / CALLS_FILE
    if not path.is_file():
        raise InputError(f"{path} not found: a day folder needs {CALLS_FILE} (columns {', '.join(REQUIRED_COLUMNS)})")
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        reader.fieldnames = contract_header(reader.fieldnames or [], columns or {})  # [ingest.columns] applied
        rows = list(reader)
        return parse_calls(rows, list(reader.fieldnames or []), str(path))
