"""One photo → LabelRead: detect, rectify, orient, OCR, read the layout, fraud-match. The seams are passed in.

The whole label is read (no template says where the recipient is): Tesseract's runs, split at the
label's column rules, go to `vision.layout` with the printed rules, which finds the recipient by
content and geometry.

Orientation: the paper quad is warped upright up to a quarter turn, so the text may still be
sideways or upside down. The axis comes from the ink profile (or the other one when its layout has
few long lines), which way up and the script from the OCR survey (a few words read both ways up),
so a label is read once. Only a read that finds no recipient leads to the other script, Tesseract's
OSD (≈ 0.2 s, as much as a read) and the remaining turns.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Protocol

import cv2
import numpy as np

from vision.errors import BadPhotoError
from vision.fraud import FraudAddressIndex
from vision.layout import LayoutResult, read_layout
from vision.ocr import Survey
from vision.preprocess import (
    PreprocessConfig,
    find_rules,
    mask_barcodes,
    prepare_label,
)
from vision.records import Detection, LabelRead, OcrLine, RowRule, Rule, TextLine


def label_region(boxes: tuple[Detection, ...], min_overlap: float = 0.3) -> Detection | None:
    """The most confident label box grown by the other label boxes that mostly overlap it.

    A label that fills the photo sideways or at an odd angle is often detected as overlapping
    fragments; their hull is the label (the paper quad inside the crop then fixes the corners).
    A second label elsewhere in the photo overlaps little and stays out.
    """
    labels = sorted((b for b in boxes if b.cls == "label"), key=lambda b: -b.confidence)
    if not labels:
        return None
    x0, y0, x1, y1 = labels[0].x0, labels[0].y0, labels[0].x1, labels[0].y1
    grown = True
    while grown:
        grown = False
        for b in labels[1:]:
            inter = max(0.0, min(x1, b.x1) - max(x0, b.x0)) * max(0.0, min(y1, b.y1) - max(y0, b.y0))
            inside = b.x0 >= x0 and b.y0 >= y0 and b.x1 <= x1 and b.y1 <= y1
            if not inside and inter >= min_overlap * (b.x1 - b.x0) * (b.y1 - b.y0):
                x0, y0, x1, y1 = min(x0, b.x0), min(y0, b.y0), max(x1, b.x1), max(y1, b.y1)
                grown = True
    return Detection("label", x0, y0, x1, y1, labels[0].confidence)


class Detector(Protocol):
    def detect(self, rgb: np.ndarray) -> tuple[Detection, ...]: ...


class Ocr(Protocol):
    def read_layout(self, image: np.ndarray, cuts: tuple[Rule, ...] = (), script: str | None = None
                    ) -> tuple[TextLine, ...]: ...

    def survey(self, image: np.ndarray) -> Survey: ...

    def orientation(self, image: np.ndarray) -> tuple[int, float] | None: ...


@dataclass
class StageTimes:
    """Seconds spent per stage, summed over the photos a reader handled (for the benchmark)."""

    detect: float = 0.0
    preprocess: float = 0.0
    ocr: float = 0.0
    parse: float = 0.0
    photos: int = 0
    turns: int = 0  # reads of a turned label beyond the first (orientation search)


def sideways(binary: np.ndarray) -> bool:
    """True if the text lines look vertical: the column ink profile alternates more than the row profile."""
    ink = (binary < 128).astype(np.float32)
    rows, cols = ink.mean(axis=1), ink.mean(axis=0)
    return float(np.std(np.diff(cols))) > float(np.std(np.diff(rows)))


def turn(binary: np.ndarray, quarter_turns: int, width: int) -> np.ndarray:
    """The label turned by `quarter_turns` × 90° counter-clockwise; a sideways turn is rescaled to `width`
    and its barcodes (now upright) masked."""
    k = quarter_turns % 4
    out = np.ascontiguousarray(np.rot90(binary, k))
    if k % 2:
        scale = width / out.shape[1]
        out = cv2.resize(out, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
        _, out = cv2.threshold(out, 127, 255, cv2.THRESH_BINARY)
        out = mask_barcodes(out)
    return out


@dataclass(frozen=True)
class _View:
    """The label turned one way: rules erased for Tesseract, their positions kept for the layout."""

    quarter_turns: int
    image: np.ndarray
    columns: tuple[Rule, ...]
    rows: tuple[RowRule, ...]


@dataclass(frozen=True)
class _Attempt:
    quarter_turns: int
    runs: tuple[TextLine, ...]
    result: LayoutResult

    @property
    def found(self) -> bool:
        return self.result.fields is not None


@dataclass
class LabelReader:
    detector: Detector
    ocr: Ocr
    fraud: FraudAddressIndex | None = None
    preprocess: PreprocessConfig = field(default_factory=PreprocessConfig)
    times: StageTimes = field(default_factory=StageTimes)
    read_sender: bool = True  # False: the sender fields are left empty (the graph joins on the recipient only)
    osd_min_confidence: float = 0.0  # below this OSD's answer is tried after the other turns, not before (its answers on 40 turned labels were right down to 0.3)

    def read(self, rgb: np.ndarray) -> LabelRead:
        """Read one RGB photo; raises BadPhotoError("no_label" | "ocr_empty") for the quarantine."""
        t0 = time.perf_counter()
        boxes = self.detector.detect(rgb)
        t1 = time.perf_counter()
        label = label_region(boxes)
        if label is None:
            self._add(t0, t1, t1, t1)
            raise BadPhotoError("no_label", "the detector found no shipping label")
        block = next((b for b in boxes if b.cls == "address_block"), None)
        prepared = prepare_label(rgb, label, self.preprocess)
        t2 = time.perf_counter()
        attempt = self._read_oriented(prepared.binary)
        t3 = time.perf_counter()
        self._add(t0, t1, t2, t3)
        fields = attempt.result.fields
        if fields is None:
            raise BadPhotoError("ocr_empty", attempt.result.seen)
        if not self.read_sender:
            fields = replace(fields, sender=None)
        match = self.fraud.match(fields.recipient.address_key) if self.fraud else None
        lines = tuple(OcrLine(r.text, r.confidence) for r in attempt.runs)
        skew = (prepared.skew_deg + 90.0 * attempt.quarter_turns + 180.0) % 360.0 - 180.0
        return LabelRead(label, block, round(skew, 2), lines, fields, match)

    def _view(self, binary: np.ndarray, quarter_turns: int) -> _View:
        rules = find_rules(turn(binary, quarter_turns, self.preprocess.target_width))
        return _View(quarter_turns % 4, rules.erased, rules.columns, rules.rows)

    def _attempt(self, view: _View, script: str | None = None) -> _Attempt:
        runs = self.ocr.read_layout(view.image, view.columns, script)
        return _Attempt(view.quarter_turns, runs, read_layout(runs, view.image.shape[1], view.rows, view.columns))

    def _surveyed(self, binary: np.ndarray) -> tuple[_View, Survey]:
        """The likely orientation and its survey, before any full read.

        The axis whose ink profile alternates more is tried first; if its layout has under three
        long text lines the other axis is surveyed too, and the one with more lines is kept. The
        survey's half-turn test then says which way up.
        """
        k = 1 if sideways(binary) else 0
        view = self._view(binary, k)
        survey = self.ocr.survey(view.image)
        if survey.lines < 3:
            other = self._view(binary, k + 1)
            again = self.ocr.survey(other.image)
            if again.lines > survey.lines:
                view, survey = other, again
        if survey.flipped:
            view = self._view(binary, view.quarter_turns + 2)
        return view, survey

    def _read_oriented(self, binary: np.ndarray) -> _Attempt:
        """The first orientation whose read finds a recipient: the surveyed one, then OSD's, then the rest."""
        view, survey = self._surveyed(binary)
        first = self._attempt(view, "latin" if survey.latin else None)
        if first.found:
            return first
        if survey.latin:  # the survey may have misjudged the script: this turn read as usual
            self.times.turns += 1
            again = self._attempt(view)
            if again.found:
                return again
        tried = {first.quarter_turns}
        order = []
        osd = self.ocr.orientation(view.image)
        if osd is not None and osd[0] and osd[1] >= self.osd_min_confidence:
            order.append((first.quarter_turns + osd[0] // 90) % 4)
        order += [(first.quarter_turns + k) % 4 for k in (2, 1, 3)]
        for k in order:
            if k in tried:
                continue
            tried.add(k)
            self.times.turns += 1
            again = self._attempt(self._view(binary, k))
            if again.found:
                return again
        return first

    def _add(self, t0: float, t1: float, t2: float, t3: float) -> None:
        self.times.detect += t1 - t0
        self.times.preprocess += t2 - t1
        self.times.ocr += t3 - t2
        self.times.parse += time.perf_counter() - t3
        self.times.photos += 1
