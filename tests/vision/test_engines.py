"""The detector and OCR engine are chosen by name (settings vision_detector / vision_ocr): the
names build the real engines, an unknown name stops the batch before any photo is read, and a
result read with another engine is never reused from a checkpoint of the default ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.vision.conftest import WEIGHTS
from vision import engines
from vision.batch import ReaderSpec, _checkpoint, read_day
from vision.detector import LabelDetector
from vision.errors import VisionError
from vision.ocr import TesseractOcr
from vision.records import Rule, TextLine


def test_the_default_names_build_the_real_engines() -> None:
    assert isinstance(engines.make_detector("yolo", WEIGHTS), LabelDetector)
    assert isinstance(engines.make_ocr("tesseract", "chi_sim"), TesseractOcr)


def test_an_unknown_engine_stops_the_day_before_any_photo(tmp_path: Path) -> None:
    (tmp_path / "returns.csv").write_text("return_id,order_id,account_id,photo,created_at\n")
    with pytest.raises(VisionError, match="unknown OCR engine 'paddle'.*vision_ocr.*tesseract"):
        read_day(tmp_path, tmp_path / "work", ReaderSpec(weights=WEIGHTS, ocr="paddle"))
    with pytest.raises(VisionError, match="unknown detector 'detr'.*yolo"):
        engines.check_names("detr", "tesseract")


class Blank:
    """An adapter that reads nothing: enough to show a new engine is one registry line."""

    def read_layout(self, image: np.ndarray, cuts: tuple[Rule, ...] = ()) -> tuple[TextLine, ...]:
        return ()

    def orientation(self, image: np.ndarray) -> tuple[int, float] | None:
        return None


def test_a_new_engine_is_one_line_and_gets_its_own_checkpoints(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(engines.OCR_ENGINES, "blank", lambda lang: Blank())
    assert isinstance(engines.make_ocr("blank", "eng"), Blank)
    default, other = ReaderSpec(weights=WEIGHTS), ReaderSpec(weights=WEIGHTS, ocr="blank")
    assert _checkpoint(tmp_path, "d1", default) != _checkpoint(tmp_path, "d1", other)
