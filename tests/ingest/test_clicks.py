"""Click files: every bad-line kind quarantined with its line number, all good lines kept."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from ingest.clicks import click_files, iter_clicks
from ingest.errors import InputError
from ingest.rules import ReadSpec


def _event(i: int, **over: object) -> bytes:
    ev = {"account_id": f"A{i % 3}", "session_id": f"S{i % 5}", "device_id": "D1", "ip": "1.1.1.1",
          "user_agent": "UA", "ts": f"2026-11-26T10:00:{i % 60:02d}+08:00", "event": "view",
          "page": f"/p{i}", "dwell_ms": 100 + i}
    ev.update(over)
    return json.dumps({k: v for k, v in ev.items() if v is not ...}).encode()


BAD = {  # line number -> (raw line, reason)
    3: (b'{"account_id": "A1", "session_id": ', "invalid_json"),
    5: (b'{"account_id": "A\xff", "session_id": "S1", "ts": "2026-11-26T10:00:00Z", "event": "x"}',
        "invalid_utf8"),
    7: (_event(7, account_id=...), "missing_field"),
    9: (_event(9, ts="26/11/2026 10:00"), "bad_timestamp"),
    11: (_event(11, dwell_ms=-5), "negative_dwell"),
    13: (_event(13, dwell_ms="slow"), "bad_number"),
    15: (b"[1, 2, 3]", "invalid_json"),
    17: (_event(17, event=""), "missing_field"),
}
N_LINES = 40


def _write(day: Path, lines: list[bytes]) -> None:
    (day / "clicks").mkdir(parents=True, exist_ok=True)
    (day / "clicks" / "part-0000.jsonl").write_bytes(b"\n".join(lines) + b"\n")


@pytest.fixture()
def click_day(tmp_path: Path) -> Path:
    lines = [BAD[n][0] if n in BAD else _event(n) for n in range(1, N_LINES + 1)]
    _write(tmp_path, lines)
    return tmp_path


def _read(day: Path, block_bytes: int, spec: ReadSpec | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    cfg = (spec or ReadSpec()).cfg
    spec = ReadSpec(replace(cfg, click_block_bytes=block_bytes),
                    spec.not_after if spec else None)
    chunks = list(iter_clicks(day, click_files(day), spec))
    return pl.concat([c.events for c in chunks]), pl.concat([c.quarantined for c in chunks])


@pytest.mark.parametrize("block_bytes", [1 << 20, 600], ids=["one-block", "many-blocks"])
def test_each_bad_kind_is_quarantined_and_good_lines_kept(click_day: Path, block_bytes: int) -> None:
    events, bad = _read(click_day, block_bytes)
    found = dict(zip(bad.get_column("line").to_list(), bad.get_column("reason").to_list(), strict=True))
    assert found == {n: reason for n, (_, reason) in BAD.items()}
    assert set(bad.get_column("source")) == {"clicks/part-0000.jsonl"}
    good = [n for n in range(1, N_LINES + 1) if n not in BAD]
    assert events.get_column("_line").to_list() == good
    assert events.get_column("page").cast(pl.String).to_list() == [f"/p{n}" for n in good]
    assert events.get_column("dwell_ms").to_list() == [100.0 + n for n in good]


def test_events_are_typed(click_day: Path) -> None:
    events, _ = _read(click_day, 1 << 20)
    first = events.row(0, named=True)
    assert first["ts"].isoformat() == "2026-11-26T02:00:01+00:00"
    assert events.schema["account_id"] == pl.Categorical()
    assert events.get_column("file").unique().to_list() == [0]


def test_clean_file_uses_every_line_and_optional_fields_may_be_absent(tmp_path: Path) -> None:
    _write(tmp_path, [_event(i, device_id=..., dwell_ms=None) for i in range(1, 6)])
    events, bad = _read(tmp_path, 1 << 20)
    assert bad.height == 0 and events.height == 5
    assert events.get_column("device_id").null_count() == 5


def test_no_click_files_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no \\*.jsonl click files"):
        click_files(tmp_path)
