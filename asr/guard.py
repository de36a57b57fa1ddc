"""The last line against hallucination: cut what repeats itself and what the speech could not hold.

Whisper, on weak audio, loops ("说一句话说一句话…", "You can't do anything. You can't do
anything.") or writes text over silence. The decoder's own checks (compression ratio, log-prob,
no-speech, temperature fallback) catch most of it; this guard catches the rest, after decoding:

- a run of one unit repeated (a character group for Chinese, a word group otherwise; MIN_REPEATS
  times, fewer for longer units) is cut to one copy: flag "repetition_cut";
- a segment that only repeats the one before it is dropped: flag "repeated_segment";
- a segment longer than its duration could hold at MAX_RATE units per second, or a transcript
  longer than the speech could hold, is cut there: flag "over_length_cut".

Digits need more copies to count as a loop (a phone may be "555 5555", an id 幺三八幺三八…).
The flags go into the transcript's confidences, so a reviewer sees that text was removed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from asr.digits import ZH_DIGITS
from asr.transcript import Segment, Transcript

CJK_LANGUAGES = frozenset({"zh", "ja", "yue"})
# Fastest plausible speech: ~7 syllables (Chinese characters) or ~5 English words per second, with headroom.
MAX_RATE = {"cjk": 10.0, "words": 7.0}
SLACK_UNITS = 4  # a short segment may hold a few units more than its rate says (timestamps are coarse)
MAX_UNIT = 12  # longest repeated unit looked for, in tokens


def _tokens(text: str, cjk: bool) -> list[tuple[str, int, int]]:
    """(token, start, end) in text: characters (and digit runs) for CJK text, words otherwise."""
    # In Chinese text every character is a unit, Latin letters and digits included ("QQQQ" is a loop).
    pattern = r"[0-9a-zA-Z\u3400-\u9fff]" if cjk else r"[\w']+"
    return [(m.group().lower(), m.start(), m.end()) for m in re.finditer(pattern, text)]


def _min_repeats(unit: list[str]) -> int:
    """How many copies in a row make a loop: more for short units, far more for digits (ids repeat digits)."""
    if all(w.isdigit() or w in ZH_DIGITS for w in unit):
        return 7 if len(unit) == 1 else 5 if len(unit) <= 3 else 3
    return 5 if len(unit) == 1 else 4 if len(unit) <= 3 else 3


def cut_repeats(text: str, cjk: bool) -> tuple[str, bool]:
    """`text` with every looping run cut to one copy of its unit; True when something was cut."""
    toks = _tokens(text, cjk)
    words = [t for t, _, _ in toks]
    i, cuts = 0, []
    while i < len(words):
        found = False
        for size in range(1, min(MAX_UNIT, (len(words) - i) // 2) + 1):
            unit = words[i:i + size]
            n = 1
            while words[i + n * size:i + (n + 1) * size] == unit:
                n += 1
            if n >= _min_repeats(unit):
                end_tok = i + n * size - 1
                cuts.append((toks[i + size - 1][2], toks[end_tok][2]))  # keep the first copy only
                i = end_tok + 1
                found = True
                break
        if not found:
            i += 1
    if not cuts:
        return text, False
    out, at = [], 0
    for start, end in cuts:
        out.append(text[at:start])
        at = end
    out.append(text[at:])
    return "".join(out), True


def _units(text: str, cjk: bool) -> int:
    return len(_tokens(text, cjk))


def _truncate(text: str, cjk: bool, units: int) -> str:
    toks = _tokens(text, cjk)
    return text if len(toks) <= units else text[:toks[max(units, 0) - 1][2]] if units > 0 else ""


def guard(t: Transcript, speech_seconds: float | None = None) -> Transcript:
    """The transcript with loops and over-long text removed; what was done is in `flags`."""
    cjk = t.language in CJK_LANGUAGES
    rate = MAX_RATE["cjk" if cjk else "words"]
    flags = list(t.flags)
    segments: list[Segment] = []
    previous = None
    for s in t.segments:
        text, cut = cut_repeats(s.text, cjk)
        if cut:
            flags.append("repetition_cut")
        norm = "".join(w for w, _, _ in _tokens(text, cjk))
        if norm and norm == previous:
            flags.append("repeated_segment")
            continue
        limit = int(rate * max(s.end - s.start, 0.0)) + SLACK_UNITS
        if _units(text, cjk) > limit:
            text = _truncate(text, cjk, limit)
            flags.append("over_length_cut")
        previous = norm
        if text.strip():
            segments.append(replace(s, text=text.strip()))
    if speech_seconds is not None:
        budget = int(rate * speech_seconds) + SLACK_UNITS
        bounded: list[Segment] = []
        for s in segments:
            n = _units(s.text, cjk)
            if n > budget:
                flags.append("over_length_cut")
                if budget > 0:
                    bounded.append(replace(s, text=_truncate(s.text, cjk, budget)))
                break
            budget -= n
            bounded.append(s)
        segments = bounded
    sep = "" if cjk else " "
    return replace(t, segments=tuple(segments), text=sep.join(s.text for s in segments).strip(),
                   flags=tuple(dict.fromkeys(flags)))


def loops(t: Transcript) -> bool:
    """True when the guard had to cut repetition: worth a second decode with sampling."""
    return any(f in ("repetition_cut", "repeated_segment") for f in t.flags)
