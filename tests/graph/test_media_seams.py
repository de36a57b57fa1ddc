"""The Parquet seams between the media stages and graph/: what vision/ and asr/ write under their
declared schemas is what graph/ reads, with scores already in [0, 1]."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from graph.steps_media import media_steps, parcel_row
from ingest.normalize import AddressParts
from vision.records import Detection, FraudMatch, LabelFields, LabelParty, LabelRead, OcrLine
from vision.tables import LABEL_READ_SCHEMA, LABEL_READS_FILE, label_read_row, write_label_reads


def _read(fraud: FraudMatch | None) -> LabelRead:
    who = LabelParty("王伟", "138 1234 5678", "+8613812345678", "广东省广州市海珠区金融大道242号", "key-1",
                     AddressParts("zh", province="广东省", city="广州市"))
    return LabelRead(Detection("label", 10, 20, 310, 220, 0.93), None, 1.5,
                     (OcrLine("收件人 王伟", 90.0), OcrLine("广东省广州市", 70.0)),
                     LabelFields("zh", who, None, "SF123"), fraud)


def test_label_reads_round_trip_into_graph_rows_with_unit_scores(tmp_path: Path) -> None:
    rows = [{"return_id": "R1", "photo": "parcels/R1.jpg", "content_hash": "h1",
             **label_read_row(_read(FraudMatch("广州市海珠区金融大道242号", "key-1", 96.5, 3)))},
            {"return_id": "R2", "photo": "parcels/R2.jpg", "content_hash": "h2", **label_read_row(_read(None))}]
    write_label_reads(rows, tmp_path / LABEL_READS_FILE)
    assert pl.read_parquet(tmp_path / LABEL_READS_FILE).schema == LABEL_READ_SCHEMA
    (step,) = [s for s in media_steps(tmp_path) if s.name == "parcels"]
    r1, r2 = list(step.rows())
    assert r1["confidence"] == 0.8 and r1["fraud_match_score"] == 0.965 and r1["fraud_score"] == 0.965
    assert r1["label_box"] == [10.0, 20.0, 310.0, 220.0] and r1["address_key"] == "key-1"
    assert r2["fraud_match_score"] == 0.0 and r2["fraud_score"] is None
    assert all(0.0 <= x["confidence"] <= 1.0 for x in (r1, r2))


def test_an_empty_day_writes_the_declared_columns(tmp_path: Path) -> None:
    write_label_reads([], tmp_path / LABEL_READS_FILE)
    frame = pl.read_parquet(tmp_path / LABEL_READS_FILE)
    assert frame.height == 0 and frame.schema == LABEL_READ_SCHEMA
    assert parcel_row({"return_id": None}) is None
