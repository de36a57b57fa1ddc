"""The day's batch job: good and bad photos through the process pool, quarantine, resume by content hash."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from ingest.errors import InputError
from ingest.schema import QUARANTINE
from tests.vision.conftest import WEIGHTS, held_out_photo
from vision.batch import ReaderSpec, read_day

pytestmark = pytest.mark.integration


def _day(tmp_path: Path, n_good: int = 2, bad: bool = True) -> Path:
    day = tmp_path / "day"
    (day / "parcels").mkdir(parents=True)
    rows = []
    for i in range(n_good):
        _, photo = held_out_photo(10 + i)
        photo.image.save(day / "parcels" / f"good{i}.jpg", quality=90)
        rows.append((f"R{i}", f"parcels/good{i}.jpg"))
    if bad:
        (day / "parcels" / "empty.jpg").write_bytes(b"")
        (day / "parcels" / "notes.jpg").write_text("not a photo")
        (day / "parcels" / "cut.jpg").write_bytes((day / "parcels" / "good0.jpg").read_bytes()[:2000])
        rng = np.random.default_rng(1)
        from PIL import Image
        board = np.clip(rng.normal(0, 12, (480, 640, 3)) + np.array([170, 125, 80]), 0, 255).astype(np.uint8)
        Image.fromarray(board).save(day / "parcels" / "board.jpg")
        rows += [("B1", "parcels/empty.jpg"), ("B2", "parcels/notes.jpg"), ("B3", "parcels/cut.jpg"),
                 ("B4", "parcels/board.jpg"), ("B5", "parcels/missing.jpg"), ("B6", ""),
                 ("B7", "../../../../etc/passwd"), ("B8", "/etc/passwd")]
    with (day / "returns.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["return_id", "order_id", "account_id", "reason", "photo", "created_at"])
        for rid, photo_path in rows:
            w.writerow([rid, "O1", "A1", "damaged", photo_path, "2026-11-27T10:00:00+08:00"])
    return day


def test_day_with_bad_photos_resumes_from_checkpoints(tmp_path: Path) -> None:
    day, work = _day(tmp_path), tmp_path / "work"
    spec = ReaderSpec(weights=WEIGHTS)
    first = read_day(day, work, spec, workers=2)  # the process pool
    reads = pl.read_parquet(first.out)
    assert sorted(reads["return_id"]) == ["R0", "R1"]
    assert {"label_box", "ocr_lines", "address_key", "recipient_phone", "fraud_match", "address_city"} <= set(
        reads.columns)
    assert all(len(lines) > 3 for lines in reads["ocr_lines"].to_list())
    q = pl.read_parquet(first.quarantine)
    assert q.columns == QUARANTINE.names
    assert dict(zip(q["item"], q["reason"], strict=True)) == {
        "B1": "empty_file", "B2": "not_an_image", "B3": "truncated", "B4": "no_label", "B5": "unreadable",
        "B7": "path_outside_day", "B8": "path_outside_day"}  # B6 has no photo: not bad data, not quarantined
    assert set(q["source"]) == {"parcels/empty.jpg", "parcels/notes.jpg", "parcels/cut.jpg", "parcels/board.jpg",
                                "parcels/missing.jpg", "returns.csv"}  # relative to the day folder
    assert first.reused == 0

    again = read_day(day, work, spec, workers=1)
    assert again.reused == 6 and again.reads == 2 and again.quarantined == 7  # 4 bad photos, 1 missing, 2 outside
    assert pl.read_parquet(again.out).equals(reads)


def test_missing_returns_csv_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="returns.csv"):
        read_day(tmp_path, tmp_path / "w", ReaderSpec(weights=WEIGHTS))


def test_sender_is_read_by_default_and_a_recipient_only_run_never_reuses_its_checkpoints(tmp_path: Path) -> None:
    day, work = _day(tmp_path, n_good=1, bad=False), tmp_path / "work"
    full = pl.read_parquet(read_day(day, work, ReaderSpec(weights=WEIGHTS), workers=1).out)
    assert full["sender_address_key"].to_list()[0] is not None
    only = read_day(day, work, ReaderSpec(weights=WEIGHTS, read_sender=False), workers=1)
    assert only.reused == 0  # a full read is not a recipient-only read
    rows = pl.read_parquet(only.out)
    assert rows["sender_address_key"].to_list() == [None]
    assert rows["address_key"].to_list() == full["address_key"].to_list()
