"""Routing and decode options around the models (fake models: this is logic, not recognition)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

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


def routing(languages: tuple[str, ...] = ("en", "zh"), texts: tuple[str, ...] = ("text",),
            probs: dict[str, float] | None = None, english_texts: tuple[str, ...] | None = None,
            prompts: dict[str, str] | None = None, fallback: bool = True
            ) -> tuple[RoutingTranscriber, dict[str, FakeModel]]:
    models = {"english": FakeModel("tiny.en", {"en": 1.0}, english_texts or texts),
              "multilingual": FakeModel("base", probs or {"th": 0.6, "zh": 0.35, "en": 0.05}, texts)}
    config = AsrConfig(cache_dir=Path("unused"), languages=languages, vad=False, prompts=prompts or {},
                       temperature_fallback=fallback)
    return RoutingTranscriber(config, load=models.__getitem__), models


AUDIO = np.zeros(16_000, dtype=np.float32)


def test_detection_picks_among_configured_languages_only() -> None:
    tr, _ = routing()
    t = tr.transcribe(AUDIO)
    # zh's share among the configured languages: 0.35 / (0.35 + 0.05)
    assert (t.language, t.model) == ("zh", "base") and abs((t.language_probability or 0) - 0.875) < 1e-9
    tr_any, _ = routing(languages=())
    assert tr_any.transcribe(AUDIO).language == "th"


def test_english_is_kept_only_when_tiny_en_hears_english() -> None:
    # base's pick is English; tiny.en writes words: its decode is the transcript, base decodes nothing
    tr, models = routing(probs={"en": 0.9, "zh": 0.1}, english_texts=("my parcel never came",))
    t = tr.transcribe(np.full(16_000 * 4, 0.1, dtype=np.float32))
    assert (t.language, t.model, t.text) == ("en", "tiny.en", "my parcel never came")
    assert not models["multilingual"].seen
    # the same pick, but tiny.en writes one word in 4 s of speech (robotic Mandarin): the other language wins
    tr, models = routing(probs={"en": 0.9, "zh": 0.1}, texts=("我的快递没有收到",), english_texts=("Hmm.",))
    t = tr.transcribe(np.full(16_000 * 4, 0.1, dtype=np.float32))
    assert (t.language, t.model, t.text) == ("zh", "base", "我的快递没有收到") and models["english"].seen


def test_an_unsure_pick_with_english_second_is_checked_by_tiny_en() -> None:
    tr, models = routing(probs={"zh": 0.6, "en": 0.4}, english_texts=("where is my order please",))
    assert tr.transcribe(np.full(16_000 * 2, 0.1, dtype=np.float32)).language == "en"
    tr, models = routing(probs={"zh": 0.9, "en": 0.1})
    assert tr.transcribe(AUDIO).language == "zh" and not models["english"].seen


def test_token_budget_follows_the_speech() -> None:
    tr, _ = routing()
    assert tr.options("zh", speech_s=2.0).max_new_tokens == 34  # 12 tokens a second + 10
    assert tr.options("zh", speech_s=300.0).max_new_tokens == 224  # a full window: the model's own limit


def test_english_goes_to_the_english_model_and_given_language_skips_detection() -> None:
    tr, models = routing()
    t = tr.transcribe(AUDIO, "en")
    assert t.model == "tiny.en" and t.language_probability is None and not models["multilingual"].seen


def test_no_temperature_fallback_for_chinese_and_no_prompt_unless_configured() -> None:
    tr, models = routing()
    tr.transcribe(AUDIO, "zh")
    tr.transcribe(AUDIO, "en")
    zh, en = models["multilingual"].seen[0], models["english"].seen[0]
    assert zh.temperatures == (0.0,) and zh.initial_prompt is None and zh.beam_size == 5
    assert len(en.temperatures) > 1 and en.initial_prompt is None
    tr, models = routing(fallback=False)
    tr.transcribe(AUDIO, "en")
    assert models["english"].seen[0].temperatures == (0.0,)
    tr, models = routing(prompts={"zh": "以下是普通话的句子。"})
    tr.transcribe(AUDIO, "zh")
    assert models["multilingual"].seen[0].initial_prompt == "以下是普通话的句子。"


def test_a_looping_decode_is_decoded_again_with_a_repetition_penalty_and_kept_when_clean() -> None:
    tr, models = routing(texts=("说一句话说一句话说一句话说一句话", "我的快递没有收到"))
    t = tr.transcribe(np.full(16_000 * 4, 0.1, dtype=np.float32), "zh")
    retry = models["multilingual"].seen[1]
    assert t.text == "我的快递没有收到" and "redecoded" in t.flags and "repetition_cut" in t.flags
    assert retry.repetition_penalty > 1 and retry.no_repeat_ngram_size > 0 and retry.temperatures == (0.0,)


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


def test_a_robotic_mandarin_call_that_tiny_en_cannot_write_stays_mandarin() -> None:
    # The demo's espeak Mandarin: base is unsure (zh 0.73) and, asked for English, loops; tiny.en
    # writes nothing. Session 4 routed such calls to English and stored empty transcripts.
    loop = "I'm going to go to the next station. " * 6
    models = {"english": ByLanguage("tiny.en", {"en": 1.0}, {}),
              "multilingual": ByLanguage("base", {"zh": 0.73, "en": 0.06}, {"zh": "我的优惠券没有用上", "en": loop})}
    tr = RoutingTranscriber(AsrConfig(cache_dir=Path("unused"), vad=False), load=models.__getitem__)
    t = tr.transcribe(np.full(16_000 * 6, 0.1, np.float32))
    assert (t.language, t.text) == ("zh", "我的优惠券没有用上")


def test_a_mandarin_call_tiny_en_loops_over_is_decoded_in_mandarin() -> None:
    # A demo call (C252254427) on this machine: base's pick is English (unsure), tiny.en writes
    # enough words but loops; that loop was kept, re-decoded to nothing and stored empty.
    loop = "Hello, I have been waiting. " * 8
    models = {"english": ByLanguage("tiny.en", {"en": 1.0}, {"en": loop}),
              "multilingual": ByLanguage("base", {"en": 0.55, "zh": 0.45}, {"zh": "你好，我的账号登录不上了"})}
    tr = RoutingTranscriber(AsrConfig(cache_dir=Path("unused"), vad=False), load=models.__getitem__)
    t = tr.transcribe(np.full(16_000 * 6, 0.1, np.float32))
    assert (t.language, t.text) == ("zh", "你好，我的账号登录不上了")
    # an English call whose tiny.en decode loops, where the other language writes nothing, stays English
    models["multilingual"] = ByLanguage("base", {"en": 0.55, "zh": 0.45}, {})
    tr = RoutingTranscriber(AsrConfig(cache_dir=Path("unused"), vad=False), load=models.__getitem__)
    t = tr.transcribe(np.full(16_000 * 6, 0.1, np.float32))
    assert t.language == "en" and t.text.startswith("Hello, I have been waiting.")
    # both loop: the detector's pick stands (here Mandarin, English the unsure runner-up)
    models["english"] = ByLanguage("tiny.en", {"en": 1.0}, {"en": loop})
    models["multilingual"] = ByLanguage("base", {"en": 0.45, "zh": 0.55}, {"zh": "我的订单我的订单" * 6})
    tr = RoutingTranscriber(AsrConfig(cache_dir=Path("unused"), vad=False), load=models.__getitem__)
    assert tr.transcribe(np.full(16_000 * 6, 0.1, np.float32)).language == "zh"


def test_an_empty_second_decode_keeps_the_cut_first_one() -> None:
    tr, _ = routing(texts=("where is my parcel. " * 6, ""))
    t = tr.transcribe(np.full(16_000 * 6, 0.1, dtype=np.float32), "en")
    assert t.text == "where is my parcel." and "redecoded" in t.flags


def test_a_byte_fragment_left_by_a_cut_token_is_dropped() -> None:
    tr, _ = routing(texts=("我又会去按铃\ufffd",))
    t = tr.transcribe(np.full(16_000 * 2, 0.1, dtype=np.float32), "zh")
    assert t.text == "我又会去按铃" and all("\ufffd" not in s.text for s in t.segments)


def test_a_prompt_written_back_is_cut_out_of_the_text() -> None:
    from asr.backends import _drop_echo

    prompt = "以下是普通话的句子。"
    options = DecodeOptions(language="zh", initial_prompt=prompt)
    segments = (Segment(0, 4, f"您好，我要退款。 {prompt}", -0.5, 0.1), Segment(4, 8, prompt, -0.5, 0.1))
    assert [s.text for s in _drop_echo(segments, options)] == ["您好，我要退款。"]


def test_the_multilingual_model_may_decode_with_its_own_beam() -> None:
    tr = RoutingTranscriber(AsrConfig(cache_dir=Path("unused"), beam_size=5, multilingual_beam_size=1))
    assert (tr.options("en").beam_size, tr.options("zh").beam_size, tr.options("zh", retry=True).beam_size) == (5, 1, 1)
