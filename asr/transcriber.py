"""The `Transcriber` built from configuration: which model for which language, and how to decode.

English goes to the English-only model (tiny.en); every other language, and language detection,
to the multilingual one (base). The caller's language hint wins; detection is only the fallback,
because base mislabels robotic or noisy Mandarin (it picked Thai on espeak-ng speech), and it
looks at speech only (asr/speech.py), never at a call's leading silence or hold music.

One recording: voice activity -> speech joined -> language (given, or detected on the speech among
the configured languages) -> decode -> guard (asr/guard.py); a transcript the guard had to cut for
looping is decoded once more with temperature sampling and a repetition penalty, and kept when the
second decode does not loop. Stereo recordings go channel by channel (`transcribe_channels`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from asr.backends import (
    FALLBACK_TEMPERATURES,
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
# A prompt in simplified characters steers base away from traditional script.
DEFAULT_PROMPTS = {"zh": "以下是普通话的句子。"}
# The second decode of a looping transcript: sampling, and repeated tokens made less likely.
RETRY_TEMPERATURES = (0.2, 0.4, 0.6, 0.8)
RETRY_REPETITION_PENALTY = 1.3
DETECT_WINDOWS = 3  # language detection averages the first few 30 s windows of speech
# Below this probability the detector's pick is checked by decoding: base hears robotic or
# band-limited Mandarin as English (p 0.5-0.7) and tiny.en then writes nothing. Not tuned: a round
# value under which a second opinion is cheap next to a call routed to the wrong model.
SURE_LANGUAGE = 0.8
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
    beam_size: int = 5  # 1 = greedy; 5 fixes most digit slips of tiny.en
    temperature_fallback: bool = True  # never used for NO_FALLBACK_LANGUAGES
    prompts: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PROMPTS))
    # Detection picks among these only (empty = any of Whisper's 99): base hears telephone-quality
    # Mandarin as Thai or English, and a platform knows which languages its customers speak.
    languages: tuple[str, ...] = ("en", "zh")
    vad: bool = True  # decode speech only (Silero VAD bundled with faster-whisper)
    redecode_loops: bool = True  # decode a looping transcript once more with sampling
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

    def options(self, language: str | None, retry: bool = False) -> DecodeOptions:
        if retry:
            return DecodeOptions(language=language, temperatures=RETRY_TEMPERATURES, beam_size=self.config.beam_size,
                                 initial_prompt=self.config.prompts.get(language or ""),
                                 repetition_penalty=RETRY_REPETITION_PENALTY)
        fallback = self.config.temperature_fallback and language not in NO_FALLBACK_LANGUAGES
        return DecodeOptions(language=language, temperatures=FALLBACK_TEMPERATURES if fallback else (0.0,),
                             beam_size=self.config.beam_size,
                             initial_prompt=self.config.prompts.get(language or ""))

    def transcribe(self, audio: np.ndarray, language: str | None = None) -> Transcript:
        """One mono recording (float32 at SAMPLE_RATE)."""
        duration = len(audio) / SAMPLE_RATE
        spans = speech_spans(audio) if self.config.vad else [(0, len(audio))]
        speech, speech_map = join_speech(audio, spans)
        probability = None
        if language is None:
            if not spans:  # nothing to listen to: say so rather than guess
                language, probability = (self.config.languages or ("en",))[0], 0.0
            else:
                language, probability, by_decode = self.detect_language(speech)
                log.debug("detected language %s (p=%.2f%s)", language, probability, ", by decoding" if by_decode else "")
        engine = self.model("english" if language == "en" else "multilingual")
        if not spans:
            return Transcript(language, probability, "", (), duration, engine.name, engine.backend, ("no_speech",))
        t = self._finish(engine.decode(speech, self.options(language)), speech_map, duration, probability)
        if loops(t) and self.config.redecode_loops:
            again = self._finish(engine.decode(speech, self.options(language, retry=True)), speech_map, duration,
                                 probability)
            log.info("transcript looped (%s); second decode %s", ",".join(t.flags),
                     "kept" if not loops(again) else "looped too, cut")
            t = replace(again if not loops(again) else t, flags=(*t.flags, "redecoded"))
        return t

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
        segments = tuple(replace(speech_map.segment(s), text=to_simplified(s.text) if zh else s.text)
                         for s in t.segments)
        t = replace(t, segments=segments, duration=duration, language_probability=probability)
        return guard(t, speech_map.speech_seconds) if self.config.loop_guard else t

    def detect_language(self, speech: np.ndarray) -> tuple[str, float, bool]:
        """(language, probability, decided by decoding): the best of config.languages (any when empty).

        Probabilities are averaged over the first DETECT_WINDOWS 30 s windows of speech (one for a
        short call), weighted by how much speech each window holds. When the best is below
        SURE_LANGUAGE, the two best are decoded (greedy, multilingual model) and the one whose text
        the model finds more probable (mean token log-prob) wins. A decode that loops is no
        evidence (a hallucinated loop can be very probable): when neither candidate gives a clean
        decode, the detector's pick stands.
        """
        probs = self._language_probs(speech)
        ranked = sorted(probs, key=lambda k: -probs[k])
        language = ranked[0]
        if probs[language] >= SURE_LANGUAGE or len(ranked) < 2:
            return language, probs[language], False
        engine = self.model("multilingual")
        scores = {}
        for candidate in ranked[:2]:
            t = engine.decode(speech, DecodeOptions(language=candidate, beam_size=1,
                                                    initial_prompt=self.config.prompts.get(candidate)))
            scores[candidate] = t.avg_logprob if t.segments and not loops(guard(t)) else -math.inf
        best = max(scores, key=lambda k: scores[k])
        if scores[best] == -math.inf:
            return language, probs[language], False
        return best, probs[best], True

    def _language_probs(self, speech: np.ndarray) -> dict[str, float]:
        engine = self.model("multilingual")
        window = int(WINDOW_S * SAMPLE_RATE)
        totals: dict[str, float] = {}
        weight = 0.0
        for start in range(0, max(len(speech), 1), window)[:DETECT_WINDOWS]:
            chunk = speech[start:start + window]
            w = len(chunk) / window
            for k, v in engine.language_probs(chunk).items():
                totals[k] = totals.get(k, 0.0) + w * v
            weight += w
        allowed = {k: v / max(weight, 1e-9) for k, v in totals.items()
                   if not self.config.languages or k in self.config.languages}
        if not allowed:
            raise AsrError(f"none of the configured languages {self.config.languages} is known to the model")
        return allowed


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
    return FasterWhisperModel(src, name, compute_type=config.compute_type, threads=config.threads)


def make_transcriber(config: AsrConfig) -> RoutingTranscriber:
    """The Transcriber for this configuration (models load lazily, on first use)."""
    return RoutingTranscriber(config)
