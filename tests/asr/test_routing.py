"""Routing and decode options around the models (fake models: this is logic, not recognition)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from asr.backends import DecodeOptions
from asr.transcriber import AsrConfig, RoutingTranscriber
from asr.transcript import Transcript


class FakeModel:
    def __init__(self, name: str, probs: dict[str, float]) -> None:
        self.name, self.backend, self.multilingual = name, "fake", True
        self.probs = probs
        self.seen: list[DecodeOptions] = []

    def decode(self, audio: np.ndarray, options: DecodeOptions) -> Transcript:
        self.seen.append(options)
        return Transcript(options.language or "?", None, "text", (), 1.0, self.name, self.backend)

    def language_probs(self, audio: np.ndarray) -> dict[str, float]:
        return self.probs


def routing(languages: tuple[str, ...] = ("en", "zh")) -> tuple[RoutingTranscriber, dict[str, FakeModel]]:
    models = {"english": FakeModel("tiny.en", {"en": 1.0}),
              "multilingual": FakeModel("base", {"th": 0.6, "zh": 0.3, "en": 0.1})}
    config = AsrConfig(cache_dir=Path("unused"), languages=languages)
    return RoutingTranscriber(config, load=models.__getitem__), models


AUDIO = np.zeros(16_000, dtype=np.float32)


def test_detection_picks_among_configured_languages_only() -> None:
    tr, _ = routing()
    t = tr.transcribe(AUDIO)
    assert (t.language, t.model, t.language_probability) == ("zh", "base", 0.3)
    tr_any, _ = routing(languages=())
    assert tr_any.transcribe(AUDIO).language == "th"


def test_english_goes_to_the_english_model_and_given_language_skips_detection() -> None:
    tr, models = routing()
    t = tr.transcribe(AUDIO, "en")
    assert t.model == "tiny.en" and t.language_probability is None and not models["multilingual"].seen


def test_no_temperature_fallback_for_chinese_and_a_simplified_prompt() -> None:
    tr, models = routing()
    tr.transcribe(AUDIO, "zh")
    tr.transcribe(AUDIO, "en")
    zh, en = models["multilingual"].seen[0], models["english"].seen[0]
    assert zh.temperatures == (0.0,) and zh.initial_prompt and zh.beam_size == 5
    assert len(en.temperatures) > 1 and en.initial_prompt is None
