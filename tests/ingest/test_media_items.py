"""The media work lists asr/ and vision/ get from ingest: calls.csv and returns.csv read once, by
the same contract, column mapping and row rules as the graph's tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import IngestConfig
from ingest.errors import InputError
from ingest.media_items import call_items, photo_items
from ingest.rules import ReadSpec

HEADER = "call_id,caller_phone,account_id,audio,started_at,language\n"
T = "2026-11-26T10:00:00+08:00"


def test_calls_csv_is_read_under_the_mapped_column_names_and_timezone(tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_text("Call ID,From,Customer,Recording,Start\n"
                                        "K1,138 1234 5678,u-1,calls/K1.wav,2026-11-26 10:00:00\n")
    names = {"call_id": "Call ID", "caller_phone": "From", "account_id": "Customer", "audio": "Recording",
             "started_at": "Start"}
    spec = ReadSpec(IngestConfig(timezone="Asia/Shanghai", columns={"calls.csv": names}))
    calls, bad = call_items(tmp_path, spec)
    assert bad == [] and [(c.call_id, c.caller_phone, c.account_id, c.audio, c.language) for c in calls] == [
        ("K1", "+8613812345678", "u-1", "calls/K1.wav", None)]
    with pytest.raises(InputError, match="timezone"):  # the same rule as ingest: naive needs a zone
        call_items(tmp_path, ReadSpec(IngestConfig(columns={"calls.csv": names})))


def test_a_missing_required_column_names_file_and_column(tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_text("caller_phone,audio\n1,a.wav\n")
    with pytest.raises(InputError, match="calls.csv.*call_id"):
        call_items(tmp_path)


def test_bad_and_duplicate_rows_with_media_are_quarantined_under_the_stage(tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_text(HEADER + f"a,13812345678,,a.wav,{T},ZH\n" + f"a,,,b.wav,{T},\n"
                                        f",,,c.wav,{T},\n" + "b,,,,not a time,\n" + "c,,,d.wav,yesterday,\n")
    calls, bad = call_items(tmp_path)
    assert [(c.call_id, c.account_id, c.language, c.started_at) for c in calls] == [("a", None, "zh", T)]
    assert [(b.stage, b.reason, b.line) for b in sorted(bad, key=lambda b: b.line or 0)] == [
        ("asr", "duplicate_id", 3), ("asr", "missing_field", 4), ("asr", "bad_timestamp", 6)]  # line 5: no audio


def test_returns_with_photos_under_the_mapped_names(tmp_path: Path) -> None:
    (tmp_path / "returns.csv").write_text("RMA,Order,Customer,Picture,Filed\n"
                                          f"R1,SO-1,u-1,parcels/R1.jpg,{T}\nR2,SO-2,u-1,,{T}\n"
                                          f"R3,SO-3,u-2,../../etc/passwd,{T}\n")
    names = {"return_id": "RMA", "order_id": "Order", "account_id": "Customer", "photo": "Picture",
             "created_at": "Filed"}
    items, bad = photo_items(tmp_path, ReadSpec(IngestConfig(columns={"returns.csv": names})))
    assert [(i.return_id, i.photo, i.line) for i in items] == [("R1", "parcels/R1.jpg", 2)]
    assert [(b.stage, b.item, b.reason) for b in bad] == [("vision", "R3", "path_outside_day")]
