"""The Tesseract adapter (tesserocr): a binarized label image → text lines with confidences.

Only module importing tesserocr. Each `TesseractOcr` holds persistent Tesseract APIs (one per
language set) for the life of its process: the command-line route (pytesseract) starts a
`tesseract` process and reloads chi_sim+eng (~0.3–0.5 s) for every call, more than the whole
per-label budget. Tesseract's own OpenMP threading is several times slower than one thread per
process when run in parallel, so OMP_THREAD_LIMIT=1 is set before the library loads and the
batch job parallelizes with a process pool instead.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from vision.errors import VisionError
from vision.records import Rule, TextLine

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef0-9])"
                      r"|(?<=[\u3000-\u9fff\uff00-\uffef0-9])\s+(?=[\u3000-\u9fff\uff00-\uffef])")
# Where distributions put the language data; the wheel's bundled library has no default of its own.
TESSDATA_DIRS = (Path("/usr/share/tesseract-ocr/5/tessdata"), Path("/usr/share/tesseract-ocr/4.00/tessdata"),
                 Path("/usr/share/tessdata"), Path("/usr/local/share/tessdata"),
                 Path("/opt/homebrew/share/tessdata"))

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in image pixels


@dataclass(frozen=True)
class OcrConfig:
    lang: str = "chi_sim"  # first reading; chi_sim alone reads 号/栋 between wide digits and bold names better than +eng
    latin_lang: str = "eng"  # a label with no CJK in the first reading is read again with this (B vs 8, I vs l)
    psm: int = 3  # automatic page segmentation: 4 (one column of varying sizes) dropped whole blocks boxed in by
    # rules or captions (an SF recipient block); on the 7 tune templates (140 wild photos) recipient found
    # 95.7 % → 97.1 %, address CER 0.050 → 0.037
    threads: int = 1  # OMP_THREAD_LIMIT for Tesseract in this process
    retry_below: float = 80.0  # on a Chinese label, re-read short lines under this confidence with chi_sim alone
    retry_max_chars: int = 3  # "short": the wrapped tail of an address (室, 号3栋) is what chi_sim+eng misreads
    retry_lang: str = "chi_sim"
    invert: bool = False  # Tesseract's second try of low-confidence lines as white-on-black: only the header
    # bands print that, never an address; off saved ≈ 10% of OCR time on 10 templates
    gap_heights: float = 3.0  # words further apart than this many line heights are separate runs (columns)
    probe_lines: int = 3  # the survey reads a window of this many of the longest text lines
    probe_ems: float = 4.0  # window width in line heights (4 CJK characters, 6-8 Latin letters)
    upright_conf: float = 75.0  # windows read at least this confidently are upright; below, the half turn is read too
    flip_margin: float = 10.0  # the half turn wins if its windows read this much more confidently
    tessdata: Path | None = None  # folder holding <lang>.traineddata; None: the first of TESSDATA_DIRS that has them


def join_cjk(text: str) -> str:
    """Drop the spaces Tesseract puts between CJK characters (and between CJK and digits)."""
    return _CJK_GAP.sub("", text).strip()


def find_tessdata(langs: list[str], explicit: Path | None) -> Path:
    """The tessdata folder holding every language's traineddata; VisionError naming what to install if none."""
    for folder in ((explicit,) if explicit else TESSDATA_DIRS):
        if all((folder / f"{lang}.traineddata").is_file() for lang in langs):
            return folder
    where = explicit or ", ".join(str(d) for d in TESSDATA_DIRS)
    raise VisionError(f"no Tesseract language data {langs} in {where}; install tesseract-ocr-chi-sim "
                      "(and tesseract-ocr-eng) or set the OCR tessdata folder")


def is_cjk_text(lines: list[tuple[str, float, Box]]) -> bool:
    """True if the lines hold at least as many CJK characters as Latin letters.

    "Any CJK at all" is not enough: chi_sim turns barcode debris and an odd Latin glyph on an
    English label into a stray 区 or 几. Confidence is not used: a blurred Chinese label is
    read at low confidence but still mostly as CJK.
    """
    text = "".join(t for t, _, _ in lines)
    cjk = len(_CJK.findall(text))
    return cjk > 0 and cjk >= len(re.findall(r"[A-Za-z]", text))


@dataclass(frozen=True)
class Survey:
    """A cheap look at a label before the full read: Tesseract's layout and a few windows of text.

    `lines`: the long text lines the layout found (a label read along the wrong axis has few);
    `flipped`: the windows read more confidently turned half a turn (the label is upside down);
    `latin`: the windows (read with the first language) hold more Latin letters than CJK characters.
    """

    lines: int
    flipped: bool
    latin: bool


def long_lines(boxes: list[Box]) -> list[Box]:
    """Text lines at least four times longer than tall and 12 px high, largest (length × height) first:
    where a few characters tell the script and orientation of the label. Thin debris (a dashed rule,
    a barcode's edge) is long for its height, but small; a box over twice the median height is a
    header band or a merged block, whose middle is no text line."""
    keep = [b for b in boxes if b[3] - b[1] >= 12 and b[2] - b[0] >= 4 * (b[3] - b[1])]
    if keep:
        median = float(np.median([b[3] - b[1] for b in keep]))
        keep = [b for b in keep if b[3] - b[1] <= 2 * median]
    return sorted(keep, key=lambda b: -(b[2] - b[0]) * (b[3] - b[1]))


def window_strip(image: np.ndarray, boxes: list[Box], ems: float, height: int = 40) -> np.ndarray:
    """A window `ems` line heights wide from the middle of each line, scaled to `height`, stacked on white."""
    import cv2

    strips = []
    for x0, y0, x1, y1 in boxes:
        lh, mid = y1 - y0, (x0 + x1) // 2
        half = int(ems * lh / 2)
        crop = image[max(0, y0 - lh // 5):y1 + lh // 5, max(0, mid - half):mid + half]
        if crop.size:
            scale = height / crop.shape[0]
            strips.append(cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
    width = max((s.shape[1] for s in strips), default=0) + 20
    out = np.full((sum(s.shape[0] + 16 for s in strips) + 16, width), 255, np.uint8)
    y = 16
    for s in strips:
        out[y:y + s.shape[0], 10:10 + s.shape[1]] = s
        y += s.shape[0] + 16
    return out


def split_runs(words: list[tuple[str, float, Box]], cuts: tuple[Rule, ...], gap_heights: float
               ) -> list[list[tuple[str, float, Box]]]:
    """A Tesseract line's words (left to right) → runs: a new run at a column rule (`cuts`) that
    spans the two words' rows, or at a gap wider than `gap_heights` line heights.

    Tesseract's page layout joins side-by-side blocks (sender | recipient) into one line when
    their rows align; the printed rule or the white gap between the columns separates them again.
    """
    runs: list[list[tuple[str, float, Box]]] = []
    split = False
    for word in words:
        if re.fullmatch(r"[|¦]+", word[0]):  # the rule itself, read as a bar
            split = True
            continue
        if runs and not split:
            prev = runs[-1][-1][2]
            height = max(prev[3] - prev[1], word[2][3] - word[2][1], 1)
            centres = ((prev[0] + prev[2]) / 2, (word[2][0] + word[2][2]) / 2)
            middle = (min(prev[1], word[2][1]) + max(prev[3], word[2][3])) / 2
            crosses = any((centres[0] < r.x) != (centres[1] < r.x) for r in cuts if r.y0 <= middle <= r.y1)
            if not crosses and word[2][0] - prev[2] <= gap_heights * height:
                runs[-1].append(word)
                continue
        runs.append([word])
        split = False
    return runs


def merge_split_glyphs(lines: list[tuple[str, float, Box]], max_chars: int) -> list[tuple[str, float, Box]]:
    """Join two short lines stacked on each other into one line of confidence 0 (to be re-read).

    A lone wrapped 室 is sometimes segmented as two "lines", 一 over 至; their boxes overlap
    horizontally and touch vertically, which two real text lines never do.
    """
    out: list[tuple[str, float, Box]] = []
    for text, conf, box in lines:
        if out:
            ptext, _, (px0, py0, px1, py1) = out[-1]
            short = len(ptext) + len(text) <= max_chars
            overlap = min(px1, box[2]) - max(px0, box[0]) > 0.5 * min(px1 - px0, box[2] - box[0])
            touching = box[1] - py1 < 0.5 * max(py1 - py0, box[3] - box[1])
            if short and overlap and touching:
                out[-1] = (ptext + text, 0.0, (min(px0, box[0]), py0, max(px1, box[2]), max(py1, box[3])))
                continue
        out.append((text, conf, box))
    return out


class TesseractOcr:
    def __init__(self, cfg: OcrConfig) -> None:
        os.environ["OMP_THREAD_LIMIT"] = str(cfg.threads)  # read when the library starts its thread pool
        try:
            import tesserocr
        except ImportError as e:
            raise VisionError("tesserocr is not installed; install the project's locked requirements") from e
        self.cfg = cfg
        self._t = tesserocr
        langs = sorted({x for lang in (cfg.lang, cfg.latin_lang, cfg.retry_lang) if lang for x in lang.split("+")})
        self._path = str(find_tessdata(langs, cfg.tessdata)) + os.sep
        self._apis: dict[tuple[str, int], Any] = {}
        self._analysed: np.ndarray | None = None  # the image whose layout the first API holds (survey)
        self._api(cfg.lang, cfg.psm)  # fail now, not on the first photo

    def _api(self, lang: str, psm: int) -> Any:
        key = (lang, psm)
        if key not in self._apis:
            try:
                self._apis[key] = api = self._t.PyTessBaseAPI(path=self._path, lang=lang, psm=psm)
                if not self.cfg.invert:
                    api.SetVariable("tessedit_do_invert", "0")
            except RuntimeError as e:
                raise VisionError(f"Tesseract could not load {lang} from {self._path}: {e}") from e
        return self._apis[key]

    def close(self) -> None:
        for api in self._apis.values():
            api.End()
        self._apis.clear()

    def survey(self, image: np.ndarray) -> Survey:
        """Layout analysis (kept: a following `read_layout` of the same array reuses it) and a read of
        a few words: is the label upside down, is it Latin script? ≈ 30–60 ms against ≈ 200 for a read.

        A window of the middle of the longest lines is read with `lang`; below `upright_conf` the
        windows are read again turned half a turn, and the more confident reading wins. Upside-down
        text reads as low-confidence debris (chi_sim: 18–33 against 54–91 upright on Chinese labels).
        """
        from PIL import Image

        t = self._t
        api = self._api(self.cfg.lang, self.cfg.psm)
        api.SetImage(Image.fromarray(np.ascontiguousarray(image)))
        it = api.AnalyseLayout()
        self._analysed = image
        boxes: list[Box] = []
        while it is not None:
            if box := it.BoundingBox(t.RIL.TEXTLINE):
                boxes.append(box)
            if not it.Next(t.RIL.TEXTLINE):
                break
        lines = long_lines(boxes)
        if not lines:
            return Survey(0, False, False)
        strip = window_strip(image, lines[:self.cfg.probe_lines], self.cfg.probe_ems)
        up = self._probe(strip)
        best, flipped = up, False
        if up[1] < self.cfg.upright_conf:
            down = self._probe(np.ascontiguousarray(np.rot90(strip, 2)))
            if down[1] > up[1] + self.cfg.flip_margin:
                best, flipped = down, True
        return Survey(len(lines), flipped, not is_cjk_text([(best[0], best[1], (0, 0, 0, 0))]))

    def _probe(self, strip: np.ndarray) -> tuple[str, float]:
        """(text, mean word confidence) of a window strip read as one block with `lang`."""
        from PIL import Image

        api = self._api(self.cfg.lang, 6)  # 6: one uniform block of text
        api.SetImage(Image.fromarray(strip))
        api.Recognize()
        confs = api.AllWordConfidences()
        return api.GetUTF8Text(), float(np.mean(confs)) if confs else 0.0

    def read_layout(self, image: np.ndarray, cuts: tuple[Rule, ...] = (), script: str | None = None
                    ) -> tuple[TextLine, ...]:
        """Every run of text on a binary label with its box, in Tesseract's reading order.

        `script` "latin" (a survey said so) reads with `latin_lang` only. Otherwise the label is
        read with `lang` (chi_sim, whose Latin is passable); if that finds no CJK the
        label is Latin-script and is read again with `latin_lang`, whose letters are better
        (chi_sim reads "Apt 11B" as "11B" but also "Johnson" as "johnson", eng+chi_sim mixes
        both models per word and misreads 号 between wide digits as digits). On a Chinese label a
        short low-confidence run (a wrapped 室 or digit) is read again alone as one line, with
        `retry_lang` and with `latin_lang`; the most confident reading wins. Each Tesseract line
        is split into runs at the column rules `cuts` and at wide gaps; boxes are kept for the layout.
        """
        if script == "latin" and self.cfg.latin_lang:
            return tuple(TextLine(t, c, b) for t, c, b in self._lines(image, self.cfg.latin_lang, self.cfg.psm, cuts))
        lines = self._lines(image, self.cfg.lang, self.cfg.psm, cuts)
        if not is_cjk_text(lines):
            if self.cfg.latin_lang and self.cfg.latin_lang != self.cfg.lang:
                lines = self._lines(image, self.cfg.latin_lang, self.cfg.psm, cuts)
            return tuple(TextLine(t, c, b) for t, c, b in lines)
        return tuple(TextLine(t, c, b) for t, c, b in self._retry_short(image, lines))

    def orientation(self, image: np.ndarray) -> tuple[int, float] | None:
        """Tesseract OSD: (degrees to rotate the image counter-clockwise so text is upright, confidence), or None.

        ≈ 0.2 s per label here, as much as reading it, so the reader asks only when an upright read fails.
        """
        from PIL import Image

        api = self._osd()
        if api is None:
            return None
        api.SetImage(Image.fromarray(np.ascontiguousarray(image)))
        try:
            found = api.DetectOrientationScript()
        except RuntimeError:
            return None
        if not found:
            return None
        return int(found["orient_deg"]) % 360, float(found["orient_conf"])  # np.rot90(image, deg // 90) rights it

    def _osd(self) -> Any:
        if ("osd", 0) not in self._apis:
            if not (Path(self._path) / "osd.traineddata").is_file():
                return None
            self._apis[("osd", 0)] = self._t.PyTessBaseAPI(path=self._path, lang="osd", psm=self._t.PSM.OSD_ONLY)
        return self._apis[("osd", 0)]

    def _retry_short(self, image: np.ndarray, lines: list[tuple[str, float, Box]]) -> list[tuple[str, float, Box]]:
        """Re-read short low-confidence CJK runs (a wrapped 室 or digit) alone; the most confident reading wins."""
        out = []
        for text, conf, box in merge_split_glyphs(lines, self.cfg.retry_max_chars):
            x0, y0, x1, y1 = box
            if conf < self.cfg.retry_below and len(text.replace(" ", "")) <= self.cfg.retry_max_chars:
                pad = max(4, (y1 - y0) // 3)
                crop = image[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad]
                for lang in (self.cfg.retry_lang, self.cfg.latin_lang) if crop.size else ():
                    again = self._lines(crop, lang, 7)  # 7: one text line
                    if len(again) == 1 and again[0][1] > conf:
                        text, conf = again[0][0], again[0][1]
            out.append((text, conf, box))
        return out

    def _lines(self, image: np.ndarray, lang: str, psm: int, cuts: tuple[Rule, ...] | None = None
               ) -> list[tuple[str, float, Box]]:
        """(text, mean word confidence, bounding box) per Tesseract text line, in reading order.

        With `cuts` (possibly empty), each line is split into runs (`split_runs`)."""
        from PIL import Image

        t = self._t
        api = self._api(lang, psm)
        if not ((lang, psm) == (self.cfg.lang, self.cfg.psm) and image is self._analysed):
            api.SetImage(Image.fromarray(np.ascontiguousarray(image)))  # else: the survey's layout is reused
        self._analysed = None
        api.Recognize()
        it = api.GetIterator()
        lines: list[tuple[str, float, Box]] = []
        words: list[tuple[str, float, Box]] = []
        if it is None:
            return lines
        level = t.RIL.WORD
        while True:
            try:
                word = it.GetUTF8Text(level)
            except RuntimeError:  # tesserocr raises on an empty element instead of returning ""
                word = ""
            if word and word.strip():
                words.append((word.strip(), float(it.Confidence(level)), it.BoundingBox(level)))
            if words and it.IsAtFinalElement(t.RIL.TEXTLINE, level):
                for run in ([words] if cuts is None else split_runs(words, cuts, self.cfg.gap_heights)):
                    text = join_cjk(" ".join(w for w, _, _ in run))
                    if text:
                        boxes = [b for _, _, b in run]
                        lines.append((text, round(sum(c for _, c, _ in run) / len(run), 2),
                                      (min(b[0] for b in boxes), min(b[1] for b in boxes),
                                       max(b[2] for b in boxes), max(b[3] for b in boxes))))
                words = []
            if not it.Next(level):
                break
        return lines
