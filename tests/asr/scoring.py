"""Word and character error rates, with spoken/split digits normalized before scoring."""

from __future__ import annotations

import re

from asr.digits import normalize_digits


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
    return [c for c in normalize_digits(text) if re.match(r"[\u4e00-\u9fff0-9a-zA-Z]", c)]


def wer(reference: str, hypothesis: str) -> float:
    ref = words(reference)
    return edit_distance(ref, words(hypothesis)) / max(len(ref), 1)


def cer(reference: str, hypothesis: str) -> float:
    ref = chars(reference)
    return edit_distance(ref, chars(hypothesis)) / max(len(ref), 1)
