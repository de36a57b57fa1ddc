"""Speech-only audio: the recording's voiced stretches, joined, with a map back to call time.

Whisper hallucinates on silence and line noise (a repeated phrase, a "thank you for watching") and
language detection on a call's leading hold music is a guess. Both backends therefore see only the
stretches a voice-activity detector marks as speech; segment times are mapped back afterwards, and
the speech duration bounds how long the transcript may be (asr/guard.py).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from asr.transcript import SAMPLE_RATE, Segment

GAP_S = 0.1  # silence put between joined stretches, so words at a join do not run together


@dataclass(frozen=True)
class SpeechMap:
    """Where each stretch of the joined audio came from."""

    spans: tuple[tuple[float, float], ...]  # (start, end) seconds in the recording, in order
    offsets: tuple[float, ...]  # where each span starts in the joined audio, seconds

    @property
    def speech_seconds(self) -> float:
        return sum(e - s for s, e in self.spans)

    def to_call_time(self, t: float) -> float:
        """A time in the joined audio -> the same instant in the recording."""
        if not self.spans:
            return t
        i = max(bisect.bisect_right(self.offsets, t) - 1, 0)
        start, end = self.spans[i]
        return min(start + max(t - self.offsets[i], 0.0), end)

    def segment(self, s: Segment) -> Segment:
        return Segment(self.to_call_time(s.start), self.to_call_time(s.end), s.text, s.avg_logprob, s.no_speech_prob,
                       s.channel)


def join_speech(audio: np.ndarray, spans: list[tuple[int, int]]) -> tuple[np.ndarray, SpeechMap]:
    """The speech stretches (sample ranges) joined with short gaps, and their map."""
    gap = np.zeros(int(GAP_S * SAMPLE_RATE), dtype=np.float32)
    parts: list[np.ndarray] = []
    offsets: list[float] = []
    at = 0
    for start, end in spans:
        offsets.append(at / SAMPLE_RATE)
        parts.extend((audio[start:end], gap))
        at += (end - start) + gap.size
    joined = np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, dtype=np.float32)
    return joined, SpeechMap(tuple((s / SAMPLE_RATE, e / SAMPLE_RATE) for s, e in spans), tuple(offsets))
