"""The Tesseract adapter (pytesseract): a binarized label image → text lines with confidences.

Only module importing pytesseract. Tesseract runs as a subprocess per call; its own OpenMP
threading is several times slower than one thread per process when run in parallel, so the
adapter pins OMP_THREAD_LIMIT=1 for the subprocesses it starts and the batch job parallelizes
with a process pool instead.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import numpy as np

from vision.errors import VisionError
from vision.records import OcrLine

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef0-9])"
                      r"|(?<=[\u3000-\u9fff\uff00-\uffef0-9])\s+(?=[\u3000-\u9fff\uff00-\uffef])")


@dataclass(frozen=True)
class OcrConfig:
    lang: str = "chi_sim+eng"
    psm: int = 4  # one column of text of varying sizes (title, barcode digits, blocks)
    threads: int = 1  # OMP_THREAD_LIMIT for each Tesseract process
    retry_below: float = 80.0  # on a Chinese label, re-read short lines under this confidence with chi_sim alone
    retry_max_chars: int = 3  # "short": the wrapped tail of an address (室, 号3栋) is what chi_sim+eng misreads
    retry_lang: str = "chi_sim"


def join_cjk(text: str) -> str:
    """Drop the spaces Tesseract puts between CJK characters (and between CJK and digits)."""
    return _CJK_GAP.sub("", text).strip()


class TesseractOcr:
    def __init__(self, cfg: OcrConfig) -> None:
        import pytesseract

        self.cfg = cfg
        self._tess = pytesseract
        os.environ["OMP_THREAD_LIMIT"] = str(cfg.threads)  # inherited by every tesseract subprocess
        try:
            langs = set(pytesseract.get_languages())
        except (pytesseract.TesseractNotFoundError, OSError) as e:
            raise VisionError("tesseract not found; install tesseract-ocr and tesseract-ocr-chi-sim") from e
        missing = set(cfg.lang.split("+")) - langs
        if missing:
            raise VisionError(f"tesseract lacks language data {sorted(missing)}; install tesseract-ocr-chi-sim")

    def read_lines(self, image: np.ndarray) -> tuple[OcrLine, ...]:
        """Lines top to bottom of a grayscale/binary uint8 image; empty lines are dropped.

        On a label with Chinese text, a low-confidence line (typically one wrapped character such
        as 室, which chi_sim+eng reads as Latin) is read again alone with chi_sim; the more
        confident reading wins.
        """
        lines = self._lines(image, self.cfg.lang, self.cfg.psm)
        if not any(_CJK.search(t) for t, _, _ in lines):
            return tuple(OcrLine(t, c) for t, c, _ in lines)
        out = []
        for text, conf, (x0, y0, x1, y1) in lines:
            if conf < self.cfg.retry_below and len(text.replace(" ", "")) <= self.cfg.retry_max_chars:
                pad = max(4, (y1 - y0) // 3)
                crop = image[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad]
                again = self._lines(crop, self.cfg.retry_lang, 7) if crop.size else []
                if len(again) == 1 and again[0][1] > conf:
                    text, conf = again[0][0], again[0][1]
            out.append(OcrLine(text, conf))
        return tuple(out)

    def _lines(self, image: np.ndarray, lang: str, psm: int) -> list[tuple[str, float, tuple[int, int, int, int]]]:
        """(text, mean confidence, bounding box x0, y0, x1, y1) per Tesseract line."""
        data = self._tess.image_to_data(image, lang=lang, config=f"--psm {psm}", output_type=self._tess.Output.DICT)
        groups: dict[tuple[int, int, int], list[int]] = {}
        for i, word in enumerate(data["text"]):
            if float(data["conf"][i]) < 0 or not word.strip():
                continue
            groups.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
        lines = []
        for idx in groups.values():
            text = join_cjk(" ".join(data["text"][i].strip() for i in idx))
            if not text:
                continue
            conf = round(sum(float(data["conf"][i]) for i in idx) / len(idx), 2)
            box = (min(data["left"][i] for i in idx), min(data["top"][i] for i in idx),
                   max(data["left"][i] + data["width"][i] for i in idx),
                   max(data["top"][i] + data["height"][i] for i in idx))
            lines.append((text, conf, box))
        return lines
