"""The label detectors and OCR engines vision/ can read with, by name, so that the engine is a
setting (`vision_detector`, `vision_ocr`) and a new one is one adapter module plus one line here.

An adapter implements `vision.reader.Detector` or `vision.reader.Ocr`, reports OCR confidences
on Tesseract's 0-100 scale (vision/tables.py maps them to [0, 1] for the next stage) and imports
its engine inside its own module, so a name costs nothing until a worker builds it. Names, not
objects, travel to worker processes and Ray actors (`ReaderSpec` stays picklable).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from vision.errors import VisionError
from vision.reader import Detector, Ocr


def _yolo(weights: Path, imgsz: int | None) -> Detector:
    from vision.detector import DetectorConfig, LabelDetector

    return LabelDetector(DetectorConfig(weights, imgsz))


def _tesseract(lang: str) -> Ocr:
    from vision.ocr import OcrConfig, TesseractOcr

    return TesseractOcr(OcrConfig(lang=lang, threads=1))


F = TypeVar("F")

DETECTORS: dict[str, Callable[[Path, int | None], Detector]] = {"yolo": _yolo}
OCR_ENGINES: dict[str, Callable[[str], Ocr]] = {"tesseract": _tesseract}


def make_detector(name: str, weights: Path, imgsz: int | None = None) -> Detector:
    return _pick(DETECTORS, name, "detector", "vision_detector")(weights, imgsz)


def make_ocr(name: str, lang: str) -> Ocr:
    return _pick(OCR_ENGINES, name, "OCR engine", "vision_ocr")(lang)


def check_names(detector: str, ocr: str) -> None:
    """Fail before any photo is read (and before workers start) on an unknown name."""
    _pick(DETECTORS, detector, "detector", "vision_detector")
    _pick(OCR_ENGINES, ocr, "OCR engine", "vision_ocr")


def _pick(table: dict[str, F], name: str, what: str, setting: str) -> F:
    if name not in table:
        raise VisionError(f"unknown {what} {name!r} (setting {setting}); known: {', '.join(sorted(table))}")
    return table[name]
