"""The files vision/ hands to the next stage: label_reads.parquet and quarantine/vision.parquet.

The schema is declared here and graph/ imports it. Values are normalized at this seam, whatever
engine read them: OCR line confidences and fraud-match scores in [0, 1] (Tesseract and rapidfuzz
report 0-100), boxes in photo pixels. A new OCR engine adapts its numbers here, not in graph/.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import polars as pl

from ingest.parquet import write_table
from vision.records import LabelRead

LABEL_READS_FILE = "label_reads.parquet"
QUARANTINE_FILE = Path("quarantine") / "vision.parquet"

BOX = pl.Struct({"cls": pl.String, "x0": pl.Float64, "y0": pl.Float64, "x1": pl.Float64, "y1": pl.Float64,
                 "confidence": pl.Float64})
OCR_LINE = pl.Struct({"text": pl.String, "confidence": pl.Float64})  # confidence in [0, 1]
ADDRESS_PARTS = ("province", "city", "district", "street", "number", "unit", "postcode")
LABEL_READ_SCHEMA = pl.Schema({
    "return_id": pl.String(), "photo": pl.String(), "content_hash": pl.String(),
    "label_box": BOX, "address_block_box": BOX, "skew_deg": pl.Float64(), "ocr_lines": pl.List(OCR_LINE),
    "language": pl.String(), "tracking_no": pl.String(),
    "recipient_name": pl.String(), "recipient_phone_raw": pl.String(), "recipient_phone": pl.String(),
    "recipient_address": pl.String(), "address_key": pl.String(),
    **{f"address_{k}": pl.String() for k in ADDRESS_PARTS},
    "sender_name": pl.String(), "sender_phone": pl.String(), "sender_address": pl.String(),
    "sender_address_key": pl.String(),
    "fraud_match": pl.Boolean(), "fraud_entry": pl.String(), "fraud_entry_key": pl.String(),
    "fraud_score": pl.Float64(),  # in [0, 1]
    "fraud_row": pl.Int64(),
})
_ARROW_SCHEMA = pl.DataFrame(schema=LABEL_READ_SCHEMA).to_arrow().schema


def label_read_row(read: LabelRead) -> dict[str, Any]:
    """The columns of one read (return_id, photo and content_hash are added by the batch)."""
    f, r, s = read.fields, read.fields.recipient, read.fields.sender
    parts = asdict(r.address_parts) if r.address_parts else {}
    return {
        "label_box": asdict(read.label),
        "address_block_box": asdict(read.address_block) if read.address_block else None,
        "skew_deg": read.skew_deg,
        "ocr_lines": [{"text": ln.text, "confidence": round(ln.confidence / 100.0, 4)} for ln in read.lines],
        "language": f.language,
        "tracking_no": f.tracking_no,
        "recipient_name": r.name,
        "recipient_phone_raw": r.phone_raw,
        "recipient_phone": r.phone,
        "recipient_address": r.address,
        "address_key": r.address_key,
        **{f"address_{k}": parts.get(k, "") for k in ADDRESS_PARTS},
        "sender_name": s.name if s else None,
        "sender_phone": s.phone if s else None,
        "sender_address": s.address if s else None,
        "sender_address_key": s.address_key if s else None,
        "fraud_match": read.fraud is not None,
        "fraud_entry": read.fraud.entry if read.fraud else None,
        "fraud_entry_key": read.fraud.entry_key if read.fraud else None,
        "fraud_score": round(read.fraud.score / 100.0, 4) if read.fraud else None,
        "fraud_row": read.fraud.row if read.fraud else None,
    }


def write_label_reads(rows: Sequence[dict[str, Any]], path: Path) -> None:
    """All of a day's reads, in LABEL_READ_SCHEMA, atomically."""
    frame = pl.DataFrame(list(rows), schema=LABEL_READ_SCHEMA)
    write_table(frame, path, _ARROW_SCHEMA)
