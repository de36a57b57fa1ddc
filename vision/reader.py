"""One photo → LabelRead: detect, rectify, OCR, parse, fraud-match. The seams are passed in.

OCR reads the recipient band (tracking number to the end of the detected address block) and the
sender band under it, not the whole label: Tesseract's time grows with the text it lays out, and
the title and barcode area are a large part of it. `PreprocessConfig(sender=False)` skips the
sender band (the graph joins on the recipient only); `PreprocessConfig(band=False)` reads the
whole label.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from vision.errors import BadPhotoError
from vision.fraud import FraudAddressIndex
from vision.parse import is_latin_recipient_heading, parse_label
from vision.preprocess import PreprocessConfig, prepare_label, recipient_band
from vision.records import Detection, LabelRead, OcrLine


class Detector(Protocol):
    def detect(self, rgb: np.ndarray) -> tuple[Detection, ...]: ...


class Ocr(Protocol):
    def read_line(self, image: np.ndarray) -> str: ...

    def read_lines(self, image: np.ndarray, latin: bool = False) -> tuple[OcrLine, ...]: ...


@dataclass
class StageTimes:
    """Seconds spent per stage, summed over the photos a reader handled (for the benchmark)."""

    detect: float = 0.0
    preprocess: float = 0.0
    ocr: float = 0.0
    parse: float = 0.0
    photos: int = 0


@dataclass
class LabelReader:
    detector: Detector
    ocr: Ocr
    fraud: FraudAddressIndex | None = None
    preprocess: PreprocessConfig = field(default_factory=PreprocessConfig)
    times: StageTimes = field(default_factory=StageTimes)

    def read(self, rgb: np.ndarray) -> LabelRead:
        """Read one RGB photo; raises BadPhotoError("no_label" | "ocr_empty") for the quarantine."""
        t0 = time.perf_counter()
        boxes = self.detector.detect(rgb)
        t1 = time.perf_counter()
        label = next((b for b in boxes if b.cls == "label"), None)
        if label is None:
            self._add(t0, t1, t1, t1)
            raise BadPhotoError("no_label", "the detector found no shipping label")
        block = next((b for b in boxes if b.cls == "address_block"), None)
        prepared = prepare_label(rgb, label, self.preprocess)
        band = recipient_band(prepared, block, self.preprocess) if block and self.preprocess.band else None
        t2 = time.perf_counter()
        # An English label's heading reads as TO: in a ~20 ms probe; it is then read once with eng
        # instead of with chi_sim first and again with eng.
        latin = band is not None and band.heading is not None and is_latin_recipient_heading(
            self.ocr.read_line(band.heading))
        lines = self.ocr.read_lines(band.image if band is not None else prepared.binary, latin)
        if band is not None and band.sender is not None:
            lines = lines + self.ocr.read_lines(band.sender, latin)
        fields = parse_label(lines) if lines else None
        if band is not None and (fields is None or not fields.recipient.address):
            # the band missed the recipient (a misplaced box, an odd layout): read the whole label
            lines = self.ocr.read_lines(prepared.binary)
            fields = parse_label(lines) if lines else None
        t3 = time.perf_counter()
        self._add(t0, t1, t2, t3)
        if fields is None:
            raise BadPhotoError("ocr_empty", f"OCR read {len(lines)} lines but no recipient block")
        match = self.fraud.match(fields.recipient.address_key) if self.fraud else None
        return LabelRead(label, block, round(prepared.skew_deg, 2), lines, fields, match)

    def _add(self, t0: float, t1: float, t2: float, t3: float) -> None:
        self.times.detect += t1 - t0
        self.times.preprocess += t2 - t1
        self.times.ocr += t3 - t2
        self.times.parse += time.perf_counter() - t3
        self.times.photos += 1
