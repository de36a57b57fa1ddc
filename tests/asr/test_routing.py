"""Routing and decode options around the models (fake models: this is logic, not recognition)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from asr.backends import DecodeOptions
from asr.transcriber import AsrConfig, RoutingTranscriber
from asr.transcript import Segment, Transcript


class FakeModel:
    def __init__(self, name: str, probs: dict[str, float], texts: tuple[str, ...] = ("text",)) -> None:
        self.name, self.backend, self.multilingual = name, "fake", True
        self.probs = probs
        self.texts = texts  # what each successive decode says (the last one repeats)
        self.seen: list[DecodeOptions] = []

    def decode(self, audio: np.ndarray, options: DecodeOptions) -> Transcript:
        self.seen.append(options)
        text = self.texts[min(len(self.seen), len(self.texts)) - 1]
        seg = Segment(0.0, len(audio) / 16_000, text, -0.3, 0.1)
        return Transcript(options.language or "?", None, text, (seg,), len(audio) / 16_000, self.name, self.backend)

    def language_probs(self, audio: np.ndarray) -> dict[str, float]:
        return self.probs


def routing(languages: tuple[str, ...] = ("en", "zh"), texts: tuple[str, ...] = ("text",)
            ) -> tuple[RoutingTranscriber, dict[str, FakeModel]]:
    models = {"english": FakeModel("tiny.en", {"en": 1.0}, texts),
              "multilingual": FakeModel("base", {"th": 0.6, "zh": 0.3, "en": 0.1}, texts)}
    config = AsrConfig(cache_dir=Path("unused"), languages=languages, vad=False)
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


def test_a_looping_decode_is_decoded_again_with_sampling_and_kept_when_clean() -> None:
    tr, models = routing(texts=("说一句话说一句话说一句话说一句话", "我的快递没有收到"))
    t = tr.transcribe(np.full(16_000 * 4, 0.1, dtype=np.float32), "zh")
    retry = models["multilingual"].seen[1]
    assert t.text == "我的快递没有收到" and "redecoded" in t.flags and "repetition_cut" in t.flags
    assert retry.temperatures[0] > 0 and retry.repetition_penalty > 1


def test_a_decode_that_loops_twice_is_cut_to_one_copy() -> None:
    tr, _ = routing(texts=("You can't do anything. " * 6,))
    t = tr.transcribe(np.full(16_000 * 6, 0.1, dtype=np.float32), "en")
    assert t.text == "You can't do anything." and {"repetition_cut", "redecoded"} <= set(t.flags)


def test_stereo_segments_keep_their_channel_and_language() -> None:
    tr, _ = routing()
    t = tr.transcribe_channels([np.zeros(16_000, np.float32), np.zeros(8_000, np.float32)], "en")
    assert [s.channel for s in t.segments] == [0, 1] and t.channel_languages == ("en", "en")


class ByLanguage(FakeModel):
    """Says texts[language] when decoding in that language ("" = no segment, Whisper's silence)."""

    def __init__(self, name: str, probs: dict[str, float], texts: dict[str, str]) -> None:
        super().__init__(name, probs)
        self.by_language = texts

    def decode(self, audio: np.ndarray, options: DecodeOptions) -> Transcript:
        self.seen.append(options)
        text = self.by_language.get(options.language or "", "")
        segs = (Segment(0.0, len(audio) / 16_000, text, -0.3, 0.1),) if text else ()
        return Transcript(options.language or "?", None, text, segs, len(audio) / 16_000, self.name, self.backend)


def _unsure(texts: dict[str, str]) -> RoutingTranscriber:
    models = {"english": ByLanguage("tiny.en", {"en": 1.0}, texts),
              "multilingual": ByLanguage("base", {"zh": 0.73, "en": 0.06}, texts)}
    return RoutingTranscriber(AsrConfig(cache_dir=Path("unused"), vad=False), load=models.__getitem__)


def test_an_unsure_detection_is_settled_by_decoding_both_languages() -> None:
    t = _unsure({"zh": "", "en": "my parcel never came"}).transcribe(np.full(16_000 * 4, 0.1, np.float32))
    assert (t.language, t.text) == ("en", "my parcel never came")


def test_a_looping_decode_does_not_overrule_the_detector() -> None:
    # A robotic Mandarin call: base writes nothing in zh under the prompt and loops in en; the
    # loop must not win the tie-break (it did, and tiny.en then wrote nothing at all).
    loop = "I'm going to go to the next station. " * 6
    t = _unsure({"zh": "我的优惠券没有用上", "en": loop})
    assert t.transcribe(np.full(16_000 * 6, 0.1, np.float32)).language == "zh"
    language, probability, by_decode = _unsure({"en": loop}).detect_language(np.full(16_000 * 6, 0.1, np.float32))
    assert (language, by_decode) == ("zh", False) and probability == pytest.approx(0.73)
