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

_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef0-9])"
                      r"|(?<=[\u3000-\u9fff\uff00-\uffef0-9])\s+(?=[\u3000-\u9fff\uff00-\uffef])")


@dataclass(frozen=True)
class OcrConfig:
    lang: str = "chi_sim+eng"
    psm: int = 4  # one column of text of varying sizes (title, barcode digits, blocks)
    threads: int = 1  # OMP_THREAD_LIMIT for each Tesseract process


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
        """Lines top to bottom of a grayscale/binary uint8 image; empty lines are dropped."""
        data = self._tess.image_to_data(image, lang=self.cfg.lang, config=f"--psm {self.cfg.psm}",
                                        output_type=self._tess.Output.DICT)
        groups: dict[tuple[int, int, int], list[tuple[str, float]]] = {}
        for i, word in enumerate(data["text"]):
            conf = float(data["conf"][i])
            if conf < 0 or not word.strip():
                continue
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            groups.setdefault(key, []).append((word.strip(), conf))
        lines = []
        for words in groups.values():
            text = join_cjk(" ".join(w for w, _ in words))
            if text:
                lines.append(OcrLine(text, round(sum(c for _, c in words) / len(words), 2)))
        return tuple(lines)
