"""Deskew: angle normalization, angle recovery, and OCR that fails raw but succeeds deskewed."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein

from ingest.normalize import address_key
from simulate.detector_data import random_label_text
from simulate.media.parcel import render_label
from tests.vision.conftest import held_out_photo
from vision.parse import is_latin_recipient_heading, parse_label
from vision.preprocess import (
    PreprocessConfig,
    binarize,
    find_label_quad,
    find_rules,
    ink_skew,
    normalize_angle,
    prepare_gray,
    prepare_label,
    quad_tilt,
    recipient_band,
    rotate,
)


@pytest.mark.parametrize("raw,expected", [(-90.0, 0.0), (-80.0, 10.0), (-10.0, -10.0), (0.0, 0.0),
                                          (10.0, 10.0), (80.0, -10.0), (90.0, 0.0), (-45.0, -45.0)])
def test_normalize_angle_maps_both_opencv_conventions_to_nearest_axis(raw: float, expected: float) -> None:
    assert normalize_angle(raw) == pytest.approx(expected)


def _flat_label(language: str, seed: int) -> tuple[np.ndarray, str]:
    rng = np.random.default_rng([seed, 5])
    text = random_label_text(rng, language)
    img, _ = render_label(text, rng)
    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2GRAY), text.recipient_address


@pytest.mark.parametrize("angle", [-15.0, -6.0, 3.0, 11.0])
def test_ink_skew_recovers_the_rotation(angle: float) -> None:
    gray, _ = _flat_label("zh", 1)
    assert ink_skew(rotate(gray, angle)) == pytest.approx(angle, abs=0.5)


def test_label_quad_in_a_photo_gives_its_tilt() -> None:
    canvas = np.full((400, 500, 3), (160, 120, 80), np.uint8)  # cardboard brown
    pts = cv2.boxPoints(((250, 200), (300, 220), -9.0)).astype(np.int32)  # OpenCV: clockwise-positive angle
    cv2.fillConvexPoly(canvas, pts, (245, 245, 240))
    quad = find_label_quad(canvas, 0.2)
    assert quad is not None
    assert quad_tilt(quad) == pytest.approx(9.0, abs=1.0)


@pytest.mark.integration
@pytest.mark.parametrize("language,angle", [("zh", -12.0), ("en", 8.0)])
def test_deskew_makes_ocr_succeed_where_raw_ocr_fails(ocr: object, language: str, angle: float) -> None:
    gray, truth = _flat_label(language, 3)
    rotated = rotate(gray, angle)
    cfg = PreprocessConfig()

    def cer(correct_skew: bool) -> float:
        fields = parse_label(ocr.read_lines(prepare_gray(rotated, cfg, correct_skew).binary))  # type: ignore[attr-defined]
        return Levenshtein.normalized_distance(fields.recipient.address if fields else "", truth)

    raw, fixed = cer(False), cer(True)
    assert raw > 0.3, f"raw OCR unexpectedly read the rotated label (CER {raw:.3f})"
    assert fixed <= 0.05, f"deskewed OCR CER {fixed:.3f}"


def test_line_skew_ignores_specks_around_the_text() -> None:
    gray, _ = _flat_label("en", 5)
    rotated = rotate(gray, 18.0)
    rng = np.random.default_rng(0)
    for y, x in zip(rng.integers(0, rotated.shape[0], 40), rng.integers(0, rotated.shape[1], 40), strict=True):
        rotated[max(0, y - 2):y + 2, max(0, x - 2):x + 2] = 0  # dirt on the photo, far from the text
    assert ink_skew(rotated) == pytest.approx(18.0, abs=1.5)


def test_rules_of_a_flat_label_are_found() -> None:
    """The rendered label has two rules (under the tracking number, between the blocks) and a frame."""
    img, addr = render_label(random_label_text(np.random.default_rng(5), "zh"), np.random.default_rng(5))
    gray = cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2GRAY)
    rules = find_rules(binarize(gray))
    inner = [r for r in rules if 5 < r[0] < gray.shape[0] - 6]  # not the frame
    assert len(inner) == 2
    assert inner[0][1] < addr.y0 and inner[1][0] > addr.y1


@pytest.mark.integration
def test_bands_hold_the_recipient_and_the_sender_apart(ocr: object, detector: object) -> None:
    for i in range(2):  # a Chinese and an English label
        text, photo = held_out_photo(i)
        rgb = np.asarray(photo.image)
        boxes = detector.detect(rgb)  # type: ignore[attr-defined]
        label = next(b for b in boxes if b.cls == "label")
        block = next(b for b in boxes if b.cls == "address_block")
        cfg = PreprocessConfig()
        prepared = prepare_label(rgb, label, cfg)
        band = recipient_band(prepared, block, cfg)
        assert band is not None and band.image.shape[0] < 0.6 * prepared.binary.shape[0]
        assert band.heading is not None
        heading = ocr.read_line(band.heading)  # type: ignore[attr-defined]
        assert is_latin_recipient_heading(heading) == (text.language == "en"), heading
        fields = parse_label(ocr.read_lines(band.image))  # type: ignore[attr-defined]
        assert fields is not None and fields.sender is None
        assert fields.recipient.address_key == address_key(text.recipient_address)
        assert fields.tracking_no == text.tracking_no
        assert band.sender is not None  # the sender band holds the sender and not the recipient
        both = parse_label(ocr.read_lines(band.image) + ocr.read_lines(band.sender))  # type: ignore[attr-defined]
        assert both is not None and both.sender is not None
        assert both.sender.address_key == address_key(text.sender_address)
        assert both.recipient.address_key == fields.recipient.address_key
