"""`riskgraph vision read` wires settings, the batch job and the progress display together."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from riskgraph.cli import app
from tests.vision.conftest import held_out_photo

pytestmark = pytest.mark.integration


def test_vision_read_writes_reads_and_quarantine(tmp_path: Path) -> None:
    day = tmp_path / "2026-11-27"
    (day / "parcels").mkdir(parents=True)
    (tmp_path / "reference").mkdir()
    text, photo = held_out_photo(20)
    photo.image.save(day / "parcels" / "a.jpg")
    (day / "parcels" / "b.jpg").write_bytes(b"")
    (tmp_path / "reference" / "fraud_addresses.csv").write_text(f'address\n"{text.recipient_address}"\n')
    with (day / "returns.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["return_id", "order_id", "account_id", "reason", "photo", "created_at"])
        w.writerow(["R1", "O1", "A1", "damaged", "parcels/a.jpg", "2026-11-27T09:00:00+08:00"])
        w.writerow(["R2", "O2", "A2", "damaged", "parcels/b.jpg", "2026-11-27T09:05:00+08:00"])
    work = tmp_path / "work"
    result = CliRunner().invoke(app, ["vision", "read", str(day), "--out", str(work), "--workers", "1"])
    assert result.exit_code == 0, result.output
    reads = pl.read_parquet(work / "label_reads.parquet")
    assert reads["return_id"].to_list() == ["R1"] and reads["fraud_match"].to_list() == [True]
    assert pl.read_parquet(work / "quarantine" / "vision.parquet")["reason"].to_list() == ["empty_file"]
