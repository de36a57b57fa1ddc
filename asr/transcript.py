"""The records asr/ hands to other packages, and the `Transcriber` seam."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

SAMPLE_RATE = 16_000  # Hz: every backend takes mono float32 PCM at this rate


@dataclass(frozen=True)
class Segment:
    """One decoded stretch of speech."""

    start: float  # seconds from the start of the audio
    end: float  # seconds from the start of the audio
    text: str
    avg_logprob: float  # mean token log-probability (nats, <= 0); nearer 0 is more confident
    no_speech_prob: float  # the model's probability that this window holds no speech, 0..1
    channel: int = 0  # audio channel it was heard on (stereo calls: one speaker per channel)


@dataclass(frozen=True)
class Transcript:
    """What one recording said, with the confidences the model reported."""

    language: str  # ISO 639-1 code used for decoding ("en", "zh", ...)
    language_probability: float | None  # detector's probability; None when the language was given
    text: str  # segments joined, stripped
    segments: tuple[Segment, ...]
    duration: float  # seconds of audio
    model: str  # e.g. "tiny.en", "base"
    backend: str  # e.g. "faster-whisper/int8", "openai-whisper/fp32"
    flags: tuple[str, ...] = ()  # what the guards did, e.g. "repetition_cut" (see asr/guard.py)
    channel_languages: tuple[str, ...] = ()  # stereo calls: the language heard on each channel

    @property
    def avg_logprob(self) -> float:
        """Duration-weighted mean of the segments' avg_logprob (0.0 when there is no segment)."""
        return _weighted(self.segments, lambda s: s.avg_logprob)

    @property
    def no_speech_prob(self) -> float:
        """Duration-weighted mean of the segments' no_speech_prob (1.0 when there is no segment)."""
        return _weighted(self.segments, lambda s: s.no_speech_prob, empty=1.0)


def _weighted(segments: tuple[Segment, ...], key: Callable[[Segment], float], empty: float = 0.0) -> float:
    weights = [max(s.end - s.start, 1e-3) for s in segments]
    if not segments:
        return empty
    return float(sum(w * key(s) for w, s in zip(weights, segments, strict=True)) / sum(weights))


class Transcriber(Protocol):
    """Speech to text. `audio` is mono float32 PCM at SAMPLE_RATE, shape [n_samples].

    `language` is an ISO 639-1 hint from the caller (call metadata or a configured default);
    None means detect it.
    """

    def transcribe(self, audio: np.ndarray, language: str | None = None) -> Transcript: ...

    def transcribe_channels(self, channels: list[np.ndarray], language: str | None = None) -> Transcript:
        """One array per speaker channel; segments keep their channel."""
        ...
