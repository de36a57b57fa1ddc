"""The survey before a read: which text lines it samples, and (real Tesseract) orientation and script."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from simulate.detector_data import random_label_text
from simulate.media.labels import TEMPLATES
from vision.ocr import long_lines
from vision.preprocess import binarize, find_rules, mask_barcodes


def test_long_lines_skip_debris_and_header_bands() -> None:
    """A dashed rule is long but thin, a header band's box is long but several lines tall: neither is sampled."""
    text = [(20, 300, 700, 340), (20, 350, 500, 390), (20, 420, 300, 446)]
    debris = [(0, 235, 790, 248), (0, 0, 770, 156)]  # 13 px: too thin to outrank text; 156 px: a band
    assert long_lines(text + debris)[:2] == [(20, 300, 700, 340), (20, 350, 500, 390)]
    assert (0, 0, 770, 156) not in long_lines(text + debris)
    assert long_lines([(10, 10, 40, 40)]) == []  # a short word is no line to sample


def _flat_label(template: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    img, _ = TEMPLATES[template].draw(random_label_text(rng, TEMPLATES[template].language), rng)
    gray = cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2GRAY)
    scale = 800 / gray.shape[1]
    return find_rules(mask_barcodes(binarize(cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)))).erased


@pytest.mark.integration
@pytest.mark.parametrize("template,latin", [("sf", False), ("tongda", False), ("ups", True), ("usps", True)])
def test_survey_tells_upside_down_and_script(ocr: object, template: str, latin: bool) -> None:
    label = _flat_label(template, 11)
    upright = ocr.survey(label)  # type: ignore[attr-defined]
    turned = ocr.survey(np.ascontiguousarray(np.rot90(label, 2)))  # type: ignore[attr-defined]
    assert upright.lines >= 3 and not upright.flipped and upright.latin == latin
    assert turned.flipped and turned.latin == latin
