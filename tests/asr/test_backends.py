"""faster-whisper backend: the encoder window (window_padding_s) and reproducible sampling."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from asr.backends import DecodeOptions, FasterWhisperModel, _fails_checks, trim_padding
from asr.models import english_model_dir, multilingual_model_dir
from testing.audio import Clip


def test_padding_is_cut_to_what_is_kept_and_the_length_stays_even() -> None:
    window = np.zeros((80, 3000), dtype=np.float32)
    window[:, :1001] = np.random.default_rng(0).normal(size=(80, 1001))
    window[:, 500] = 0.0  # an all-zero frame inside the content is content
    assert trim_padding(window, 300).shape == (80, 1302)
    assert trim_padding(window, 2500).shape == (80, 3000)
    assert np.array_equal(trim_padding(window, 300), window[:, :1302])
    assert trim_padding(np.zeros((80, 3000), dtype=np.float32), 300).shape == (80, 300)


class _Recorded:
    """The model's encoder, recording how many frames each pass was given."""

    def __init__(self, encode: object) -> None:
        self.encode, self.frames = encode, []  # type: ignore[var-annotated]

    def __call__(self, features: np.ndarray) -> object:
        self.frames.append(features.shape[-1])
        return self.encode(features)  # type: ignore[operator]


def test_detection_and_decode_share_one_short_pass(asr_cache: Path,
                                                   english_clips: list[tuple[Clip, Path, np.ndarray]]) -> None:
    clip, _, audio = english_clips[0]
    seconds = len(audio) / 16_000
    assert seconds < 25
    base = FasterWhisperModel(multilingual_model_dir(asr_cache), "base", window_padding_s=3.0)
    base._encode = recorded = _Recorded(base._encode)
    probs = base.language_probs(audio)
    t = base.decode(audio, DecodeOptions(language="en"))
    assert max(probs, key=probs.__getitem__) == "en"
    assert len(recorded.frames) == 1  # the decode reused detection's pass
    assert abs(recorded.frames[0] - (seconds + 3.0) * 100) <= 3 and t.text

    tiny = FasterWhisperModel(english_model_dir(), "tiny.en")
    tiny._encode = full = _Recorded(tiny._encode)
    tiny.decode(audio, DecodeOptions(language="en"))
    assert full.frames == [3000]  # None keeps Whisper's 30 s window


def test_a_sampled_decode_does_not_depend_on_what_the_process_decoded_before(
        english_clips: list[tuple[Clip, Path, np.ndarray]]) -> None:
    # CTranslate2 seeds a thread's sampler once: on the long-lived model the second sample of a
    # clip differs from the first. Local and Ray runs (and re-runs) must write the same transcript.
    (_, _, audio), (_, _, other) = english_clips[0], english_clips[1]
    sampled = DecodeOptions(language="en", temperatures=(1.2,))  # every window sampled
    tiny = FasterWhisperModel(english_model_dir(), "tiny.en")
    first = tiny.decode(audio, sampled).text
    tiny.decode(other, sampled)
    assert tiny.decode(audio, sampled).text == first
    assert FasterWhisperModel(english_model_dir(), "tiny.en").decode(audio, sampled).text == first


class _Window:
    def __init__(self, avg_logprob: float, compression_ratio: float, no_speech_prob: float) -> None:
        self.avg_logprob, self.compression_ratio, self.no_speech_prob = avg_logprob, compression_ratio, no_speech_prob


def test_the_fallback_rule_is_whispers() -> None:
    options = DecodeOptions(language="en")  # thresholds 2.4, -1.0, 0.6
    assert not _fails_checks(_Window(-0.3, 1.5, 0.1), options)
    assert _fails_checks(_Window(-0.3, 2.6, 0.1), options)  # a loop
    assert _fails_checks(_Window(-1.4, 1.5, 0.1), options)  # improbable text
    assert not _fails_checks(_Window(-1.4, 2.6, 0.9), options)  # silence: skipped, not resampled
    assert not _fails_checks(_Window(-1.4, 2.6, 0.1), DecodeOptions(language="en", log_prob_threshold=None,
                                                                    compression_ratio_threshold=None))
