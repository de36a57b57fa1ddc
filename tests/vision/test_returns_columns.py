"""returns.csv is read under the export's column names ([ingest.columns]), like ingest reads it."""

from __future__ import annotations

from pathlib import Path

from vision.batch import read_returns


def test_returns_csv_is_read_under_the_mapped_column_names(tmp_path: Path) -> None:
    (tmp_path / "returns.csv").write_text("RMA,Order,Customer,Picture,Filed\n"
                                          "R1,SO-1,u-1,parcels/R1.jpg,2026-11-26 10:00:00\nR2,SO-2,u-1,,2026-11-26\n")
    items, bad = read_returns(tmp_path, {"return_id": "RMA", "photo": "Picture"})
    assert [(i.return_id, i.photo, i.line) for i in items] == [("R1", "parcels/R1.jpg", 2)] and bad == []
