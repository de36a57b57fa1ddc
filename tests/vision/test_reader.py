"""One photo end to end with the real detector (our weights) and real Tesseract."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein

from ingest.normalize import address_key
from simulate.media.parcel import Box
from tests.vision.conftest import held_out_photo
from vision.errors import BadPhotoError
from vision.fraud import read_fraud_addresses
from vision.reader import LabelReader
from vision.records import Detection

pytestmark = pytest.mark.integration


def _iou(a: Detection, b: Box) -> float:
    ix = max(0.0, min(a.x1, b.x1) - max(a.x0, b.x0))
    iy = max(0.0, min(a.y1, b.y1) - max(a.y0, b.y0))
    inter = ix * iy
    union = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter
    return inter / union


def test_held_out_photos_are_read(detector: object, ocr: object, tmp_path: Path) -> None:
    texts, photos = zip(*(held_out_photo(i) for i in range(4)), strict=True)
    fraud_csv = tmp_path / "fraud_addresses.csv"
    fraud_csv.write_text(f'address\n"{texts[1].recipient_address}"\n', encoding="utf-8")
    reader = LabelReader(detector, ocr, read_fraud_addresses(fraud_csv))  # type: ignore[arg-type]
    cers, keys_ok = [], 0
    for i, (text, photo) in enumerate(zip(texts, photos, strict=True)):
        read = reader.read(np.asarray(photo.image))
        truth = photo.boxes[0]
        assert _iou(read.label, truth) >= 0.8
        assert read.fields.language == text.language
        cers.append(Levenshtein.normalized_distance(read.fields.recipient.address, text.recipient_address))
        keys_ok += read.fields.recipient.address_key == address_key(text.recipient_address)
        assert (read.fraud is not None) == (i == 1), read.fraud
    assert sum(cers) / len(cers) <= 0.05, cers
    assert keys_ok >= 3, cers
    assert reader.times.photos == 4 and reader.times.ocr > 0


def test_photo_without_label_is_no_label(detector: object, ocr: object) -> None:
    rng = np.random.default_rng(0)
    cardboard = np.clip(rng.normal(0, 12, (480, 640, 3)) + np.array([170, 125, 80]), 0, 255).astype(np.uint8)
    with pytest.raises(BadPhotoError) as e:
        LabelReader(detector, ocr).read(cardboard)  # type: ignore[arg-type]
    assert e.value.reason == "no_label"


class _BlankLabelDetector:
    """A detector that 'finds' a label on blank paper: OCR then has nothing to read."""

    def detect(self, rgb: np.ndarray) -> tuple[Detection, ...]:
        return (Detection("label", 100, 80, 540, 400, 0.9),)


def test_label_with_no_text_is_ocr_empty(ocr: object) -> None:
    photo = np.full((480, 640, 3), (170, 125, 80), np.uint8)
    photo[90:390, 110:530] = 245
    with pytest.raises(BadPhotoError) as e:
        LabelReader(_BlankLabelDetector(), ocr).read(photo)  # type: ignore[arg-type]
    assert e.value.reason == "ocr_empty"
