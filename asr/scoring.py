"""Word and character error rates, scored as the evaluation set's README asks.

English: lower-cased words, punctuation stripped. Mandarin: characters, punctuation and spaces
removed, traditional characters mapped to simplified (Whisper writes either script). Spoken or split
digits are normalized on both sides, so "four five" and "45" score the same.
"""

from __future__ import annotations

import re

from asr.digits import normalize_digits
from asr.script import to_simplified


def edit_distance(a: list[str], b: list[str]) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        cur = [i]
        for j, y in enumerate(b, start=1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", normalize_digits(text).lower())


def chars(text: str) -> list[str]:
    return [c for c in normalize_digits(to_simplified(text)) if re.match(r"[\u4e00-\u9fff0-9a-zA-Z]", c)]


def wer(reference: str, hypothesis: str) -> float:
    ref = words(reference)
    return edit_distance(ref, words(hypothesis)) / max(len(ref), 1)


def cer(reference: str, hypothesis: str) -> float:
    ref = chars(reference)
    return edit_distance(ref, chars(hypothesis)) / max(len(ref), 1)


def error_rate(reference: str, hypothesis: str, language: str) -> float:
    """CER for Chinese, WER for everything else."""
    return cer(reference, hypothesis) if language == "zh" else wer(reference, hypothesis)
