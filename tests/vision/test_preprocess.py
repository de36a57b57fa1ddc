"""Deskew: angle normalization, angle recovery, and OCR that fails raw but succeeds deskewed."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein

from simulate.detector_data import random_label_text
from simulate.media.labels import TEMPLATES
from simulate.media.parcel import render_label
from vision.layout import read_layout
from vision.preprocess import (
    PreprocessConfig,
    binarize,
    find_column_rules,
    find_label_quad,
    ink_skew,
    normalize_angle,
    prepare_gray,
    quad_tilt,
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
        binary = prepare_gray(rotated, cfg, correct_skew).binary
        fields = read_layout(ocr.read_layout(binary), binary.shape[1]).fields  # type: ignore[attr-defined]
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


def test_column_rules_of_side_by_side_and_caption_column_labels_are_found() -> None:
    """EMS prints a rule between sender and recipient, ZTO-style labels one right of the 收 / 寄 cells;
    the classic label has none (its barcode bars are too short to count)."""
    def rules(template: str, language: str) -> tuple[int, ...]:
        rng = np.random.default_rng(3)
        img, _ = TEMPLATES[template].draw(random_label_text(rng, language), rng)
        found = find_column_rules(binarize(cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2GRAY)))
        assert all(r.y1 - r.y0 >= 0.25 * img.height for r in found)
        return tuple(r.x for r in found)

    assert [abs(x - 300) <= 3 for x in rules("ems", "zh")] == [True]
    assert [abs(x - 64) <= 3 for x in rules("tongda", "zh")] == [True]
    assert rules("classic_zh", "zh") == ()
