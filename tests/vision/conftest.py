"""Shared vision fixtures: real rendered labels (simulator), real Tesseract, our committed weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulate.detector_data import random_label_text
from simulate.media.parcel import LabelText, ParcelPhoto, render_parcel_photo

WEIGHTS = Path(__file__).resolve().parents[2] / "vision" / "weights" / "label_detector.pt"
HELD_OUT_SEED = 777  # training uses seeds 0..; held-out photos come from another seed stream


def held_out_photo(i: int, difficulty: str = "default") -> tuple[LabelText, ParcelPhoto]:
    rng = np.random.default_rng([HELD_OUT_SEED, 2, i])
    text = random_label_text(rng, "zh" if i % 2 == 0 else "en")
    return text, render_parcel_photo(text, rng, difficulty)


@pytest.fixture(scope="session")
def ocr() -> object:
    from vision.ocr import OcrConfig, TesseractOcr

    return TesseractOcr(OcrConfig())


@pytest.fixture(scope="session")
def detector() -> object:
    from vision.detector import DetectorConfig, LabelDetector

    return LabelDetector(DetectorConfig(WEIGHTS))
