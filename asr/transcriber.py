"""The `Transcriber` built from configuration: which model for which language, and how to decode.

English goes to the English-only model (tiny.en); every other language, and language detection,
to the multilingual one (base). The caller's language hint wins; detection is only the fallback,
because base mislabels robotic or noisy Mandarin (it picked Thai on espeak-ng speech), and it
looks at speech only (asr/speech.py), never at a call's leading silence or hold music.

One recording: voice activity -> speech joined -> language (given, or detected on the speech among
the configured languages) -> decode -> guard (asr/guard.py); a transcript the guard had to cut for
looping is decoded once more with a repetition penalty and no repeated 4-grams, and kept when the
second decode does not loop. Stereo recordings go channel by channel (`transcribe_channels`).

Cost: a short call is dominated by base's encoder pass over its 30 s window; detection and every
decode of a call share that pass (asr/backends.py keeps it), and English is confirmed by the
decode tiny.en makes anyway, not by extra decodes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from asr.backends import (
    FALLBACK_TEMPERATURES,
    MAX_NEW_TOKENS,
    DecodeOptions,
    FasterWhisperModel,
    OpenAIWhisperModel,
    SpeechModel,
    speech_spans,
)
from asr.errors import AsrError
from asr.guard import CJK_LANGUAGES, guard, loops
from asr.models import english_model_dir, multilingual_model_dir
from asr.script import to_simplified
from asr.speech import SpeechMap, join_speech
from asr.transcript import SAMPLE_RATE, Transcript

log = logging.getLogger(__name__)

BACKENDS = ("faster-whisper", "openai-whisper")
COMPUTE_TYPES = ("int8", "float32")
# Temperature fallback on Chinese turns a weak greedy decode into random text: greedy only.
NO_FALLBACK_LANGUAGES = frozenset({"zh"})
# No prompt by default. "以下是普通话的句子。" (meant to steer base to simplified script, which
# asr/script.py's mapping already guarantees) cost the telephone copies of the two real Mandarin
# clips 0.161 -> 0.324 CER (d07 0.167 -> 0.417: 广州市 heard as 网络是); chosen on those two clips
# (docs/asr.md). A prompt per language can still be configured.
DEFAULT_PROMPTS: dict[str, str] = {}
# The second decode of a looping transcript: repeated tokens made less likely and no 4-gram twice
# (deterministic; sampling at four temperatures cost more than the first decode and rarely helped).
RETRY_REPETITION_PENALTY = 1.3
RETRY_NO_REPEAT_NGRAM = 4
DETECT_WINDOWS = 3  # language detection averages the first few 30 s windows of speech
# Below this share (probabilities renormalized over the configured languages) an English runner-up
# is checked by tiny.en. Not tuned: a round value.
SURE_LANGUAGE = 0.8
# English is kept only when tiny.en writes at least this many words per second of speech: base hears
# robotic or band-limited Mandarin as English (share up to 0.95), and tiny.en then writes nothing or
# a word or two. English is read at 2-3 words a second; half a word is far below any English call.
MIN_ENGLISH_WORDS_PER_S = 0.5
# A window's token budget: ~1.5x fast speech (6 Chinese characters, ~1.3 tokens each) plus slack;
# a loop stops there instead of at the model's 224, which on a short call is most of the time spent.
TOKENS_PER_S = 12.0
TOKEN_SLACK = 10
WINDOW_S = 30.0


@dataclass(frozen=True)
class AsrConfig:
    """Everything a Transcriber needs; built by the composition root from Settings."""

    cache_dir: Path  # joined base model and converted checkpoints live here
    backend: str = "faster-whisper"  # one of BACKENDS
    compute_type: str = "int8"  # faster-whisper only: one of COMPUTE_TYPES
    english_model: Path | None = None  # CTranslate2 folder; None = the packaged tiny.en
    multilingual_model: Path | None = None  # CTranslate2 folder; None = the packaged base (joined)
    threads: int = 2
    beam_size: int = 5  # the English model's; 1 = greedy; 5 fixes most digit slips of tiny.en
    multilingual_beam_size: int | None = None  # the multilingual model's (Mandarin); None = beam_size
    # Whisper's temperature fallback (never for NO_FALLBACK_LANGUAGES). The backends sample it
    # reproducibly (faster-whisper on a fresh model copy, see FasterWhisperModel.decode). Off, the
    # 30 s window sent 6 of 15 espeak-ng Mandarin calls of the simulated day to English (docs/asr.md).
    temperature_fallback: bool = True
    prompts: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PROMPTS))
    # Detection picks among these only (empty = any of Whisper's 99): base hears telephone-quality
    # Mandarin as Thai or English, and a platform knows which languages its customers speak.
    languages: tuple[str, ...] = ("en", "zh")
    # faster-whisper: the encoder sees a window's content plus this much of its padding, not the
    # whole 30 s (None = the whole window). 3.0 halves the CPU of a short call with the same ids on
    # the tuned id sets and the same real-clip errors, but lost 5 and 3 of 40 ids on the two held-out
    # sets (docs/asr.md), so it is not the default.
    window_padding_s: float | None = None
    vad: bool = True  # decode speech only (Silero VAD bundled with faster-whisper)
    redecode_loops: bool = True  # decode a looping transcript once more (greedy, repetition penalty)
    loop_guard: bool = True  # False: raw decoder output, for measuring what the guard does


class RoutingTranscriber:
    """Implements `Transcriber`: routes by language, loads each model on first use."""

    def __init__(self, config: AsrConfig, load: Callable[[str], SpeechModel] | None = None) -> None:
        if config.backend not in BACKENDS:
            raise AsrError(f"unknown ASR backend {config.backend!r}; use one of {', '.join(BACKENDS)}")
        if config.compute_type not in COMPUTE_TYPES:
            raise AsrError(f"unknown compute type {config.compute_type!r}; use one of {', '.join(COMPUTE_TYPES)}")
        self.config = config
        self._load = load or (lambda which: load_speech_model(config, which))
        self._models: dict[str, SpeechModel] = {}

    def model(self, which: str) -> SpeechModel:
        """"english" or "multilingual", loaded once."""
        if which not in self._models:
            self._models[which] = self._load(which)
        return self._models[which]

    def options(self, language: str | None, retry: bool = False, speech_s: float = WINDOW_S) -> DecodeOptions:
        """Decode options for `language`; `speech_s` (seconds of speech) bounds the tokens per window."""
        budget = min(int(TOKENS_PER_S * min(speech_s, WINDOW_S)) + TOKEN_SLACK, MAX_NEW_TOKENS)
        prompt = self.config.prompts.get(language or "")
        beam = self.config.beam_size
        if language != "en" and self.config.multilingual_beam_size is not None:
            beam = self.config.multilingual_beam_size
        if retry:  # greedy: the retry only has to not loop, and at beam 5 it cost as much as the first decode
            return DecodeOptions(language=language, beam_size=1, initial_prompt=prompt,
                                 repetition_penalty=RETRY_REPETITION_PENALTY,
                                 no_repeat_ngram_size=RETRY_NO_REPEAT_NGRAM, max_new_tokens=budget)
        fallback = self.config.temperature_fallback and language not in NO_FALLBACK_LANGUAGES
        return DecodeOptions(language=language, temperatures=FALLBACK_TEMPERATURES if fallback else (0.0,),
                             beam_size=beam, initial_prompt=prompt, max_new_tokens=budget)

    def transcribe(self, audio: np.ndarray, language: str | None = None) -> Transcript:
        """One mono recording (float32 at SAMPLE_RATE)."""
        duration = len(audio) / SAMPLE_RATE
        spans = speech_spans(audio) if self.config.vad else [(0, len(audio))]
        speech, speech_map = join_speech(audio, spans)
        if not spans:  # nothing to listen to: say so rather than guess
            probability = None if language else 0.0
            language = language or (self.config.languages or ("en",))[0]
            engine = self.model(self.role(language))
            return Transcript(language, probability, "", (), duration, engine.name, engine.backend, ("no_speech",))
        if language is None:
            t = self._detect_and_decode(speech, speech_map, duration)
        else:
            t = self._decode(language, speech, speech_map, duration, None)
        if loops(t) and self.config.redecode_loops:
            engine = self.model(self.role(t.language))
            again = self._finish(engine.decode(speech, self.options(t.language, True, speech_map.speech_seconds)),
                                 speech_map, duration, t.language_probability)
            kept = clean(again)  # an empty second decode must not erase the cut first one
            log.info("transcript looped (%s); second decode %s", ",".join(t.flags),
                     "kept" if kept else "looped too or empty, first one cut")
            t = replace(again if kept else t, flags=(*t.flags, "redecoded"))
        return t

    @staticmethod
    def role(language: str) -> str:
        return "english" if language == "en" else "multilingual"

    def _decode(self, language: str, speech: np.ndarray, speech_map: SpeechMap, duration: float,
                probability: float | None) -> Transcript:
        engine = self.model(self.role(language))
        return self._finish(engine.decode(speech, self.options(language, speech_s=speech_map.speech_seconds)),
                            speech_map, duration, probability)

    def _detect_and_decode(self, speech: np.ndarray, speech_map: SpeechMap, duration: float) -> Transcript:
        """The transcript in the language detected on the speech among config.languages.

        Base's pick decides, except that English must be confirmed by tiny.en (whose decode is the
        transcript when it is): when English is the pick, or the runner-up of an unsure pick, and
        tiny.en writes fewer than MIN_ENGLISH_WORDS_PER_S, the best other language wins; when
        tiny.en loops, the other language's decode wins if it is clean.
        """
        probs = self._language_probs(speech)
        ranked = sorted(probs, key=lambda k: -probs[k])
        best = ranked[0]
        check_english = "en" in ranked[1:2] and probs[best] < SURE_LANGUAGE
        if len(ranked) > 1 and (best == "en" or check_english):
            english = self._decode("en", speech, speech_map, duration, probs["en"])
            words = len(english.text.split())
            other = next(k for k in ranked if k != "en")
            if words >= MIN_ENGLISH_WORDS_PER_S * speech_map.speech_seconds:
                if not loops(english):
                    log.debug("language en (share %.2f), tiny.en wrote %d words", probs["en"], words)
                    return english
                # tiny.en looping over a call is weak evidence of English: a clean decode in the other
                # language wins; when that one loops too, the detector's pick stands (never an empty one)
                alt = self._decode(other, speech, speech_map, duration, probs[other])
                return alt if clean(alt) or (alt.text and probs[other] > probs["en"]) else english
            best = other
            log.debug("language %s: share of en %.2f but tiny.en wrote %d words in %.1f s of speech", best,
                      probs["en"], words, speech_map.speech_seconds)
        else:
            log.debug("language %s (share %.2f)", best, probs[best])
        return self._decode(best, speech, speech_map, duration, probs[best])

    def transcribe_channels(self, channels: list[np.ndarray], language: str | None = None) -> Transcript:
        """A multi-channel recording (one speaker per channel): each channel on its own, merged by time.

        The transcript's language is that of the channel with the most text; each segment keeps
        its channel, and `channel_languages` says what each channel was heard as.
        """
        if len(channels) == 1:
            return self.transcribe(channels[0], language)
        parts = [self.transcribe(c, language) for c in channels]
        segments = sorted((replace(s, channel=i) for i, p in enumerate(parts) for s in p.segments),
                          key=lambda s: (s.start, s.channel))
        main = max(parts, key=lambda p: len(p.text))
        sep = "" if main.language in CJK_LANGUAGES else " "
        flags = tuple(dict.fromkeys(f"ch{i}:{f}" for i, p in enumerate(parts) for f in p.flags))
        return Transcript(main.language, main.language_probability, sep.join(s.text for s in segments).strip(),
                          tuple(segments), max(p.duration for p in parts), main.model, main.backend, flags,
                          tuple(p.language for p in parts))

    def _finish(self, t: Transcript, speech_map: SpeechMap, duration: float, probability: float | None) -> Transcript:
        """Call-time segments, one Chinese script, the guard; the detector's probability when detected."""
        zh = t.language == "zh"

        def tidy(text: str) -> str:  # a segment cut inside a multi-byte token leaves U+FFFD behind
            text = text.replace("\ufffd", "")
            return to_simplified(text) if zh else text

        segments = tuple(replace(speech_map.segment(s), text=tidy(s.text)) for s in t.segments)
        t = replace(t, text=tidy(t.text), segments=segments, duration=duration, language_probability=probability)
        return guard(t, speech_map.speech_seconds) if self.config.loop_guard else t

    def _language_probs(self, speech: np.ndarray) -> dict[str, float]:
        """Language -> share among config.languages (all when empty), averaged over the first
        DETECT_WINDOWS 30 s windows of speech, weighted by how much speech each holds."""
        engine = self.model("multilingual")
        window = int(WINDOW_S * SAMPLE_RATE)
        totals: dict[str, float] = {}
        weight = 0.0
        for start in range(0, max(len(speech), 1), window)[:DETECT_WINDOWS]:
            chunk = speech[start:start + window]
            w = len(chunk) / window
            # The first window is given as the whole speech: the engine cuts it as its decoder will,
            # and can reuse that encoder pass when decoding.
            for k, v in engine.language_probs(speech if start == 0 else chunk).items():
                totals[k] = totals.get(k, 0.0) + w * v
            weight += w
        allowed = {k: v for k, v in totals.items() if not self.config.languages or k in self.config.languages}
        total = sum(allowed.values())
        if not allowed or total <= 0:
            raise AsrError(f"none of the configured languages {self.config.languages} is known to the model")
        return {k: v / total for k, v in allowed.items()}  # the share of each among the languages allowed


def clean(t: Transcript) -> bool:
    """A decode that is evidence of its language: it says something and does not loop."""
    return bool(t.text) and not loops(t)


def model_dir(config: AsrConfig, which: str) -> tuple[Path, str]:
    """The CTranslate2 folder and display name of "english" or "multilingual"."""
    if which == "english":
        return (config.english_model or english_model_dir()), ("tiny.en" if config.english_model is None
                                                               else config.english_model.name)
    if which == "multilingual":
        if config.multilingual_model is not None:
            return config.multilingual_model, config.multilingual_model.name
        return multilingual_model_dir(config.cache_dir), "base"
    raise AsrError(f"unknown model role {which!r}")


def openai_checkpoint(config: AsrConfig, src: Path, name: str) -> Path:
    """The converted checkpoint for `src`, made once under cache_dir (keyed by model.bin size and mtime)."""
    stat = (src / "model.bin").stat()
    dst = config.cache_dir / "openai-whisper" / f"{name}-{stat.st_size}-{int(stat.st_mtime)}.pt"
    if not dst.is_file():
        log.info("converting %s to an openai-whisper checkpoint at %s", src, dst)
        from asr.convert import convert  # needs torch: imported only when a conversion is due

        convert(src, dst)
    return dst


def load_speech_model(config: AsrConfig, which: str) -> SpeechModel:
    src, name = model_dir(config, which)
    if config.backend == "openai-whisper":
        return OpenAIWhisperModel(openai_checkpoint(config, src, name), name, threads=config.threads)
    return FasterWhisperModel(src, name, compute_type=config.compute_type, threads=config.threads,
                              window_padding_s=config.window_padding_s)


def make_transcriber(config: AsrConfig) -> RoutingTranscriber:
    """The Transcriber for this configuration (models load lazily, on first use)."""
    return RoutingTranscriber(config)
