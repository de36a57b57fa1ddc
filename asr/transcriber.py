"""The `Transcriber` built from configuration: which model for which language, and how to decode.

English goes to the English-only model (tiny.en); every other language, and language detection,
to the multilingual one (base). The caller's language hint wins; detection is only the fallback,
because base mislabels robotic or noisy Mandarin (it picked Thai on espeak-ng speech).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from asr.backends import (
    FALLBACK_TEMPERATURES,
    DecodeOptions,
    FasterWhisperModel,
    OpenAIWhisperModel,
    SpeechModel,
)
from asr.errors import AsrError
from asr.models import english_model_dir, multilingual_model_dir
from asr.transcript import Transcript

log = logging.getLogger(__name__)

BACKENDS = ("faster-whisper", "openai-whisper")
COMPUTE_TYPES = ("int8", "float32")
# Temperature fallback on Chinese turns a weak greedy decode into random text: greedy only.
NO_FALLBACK_LANGUAGES = frozenset({"zh"})
# A prompt in simplified characters steers base away from traditional script.
DEFAULT_PROMPTS = {"zh": "以下是普通话的句子。"}


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

    def options(self, language: str | None) -> DecodeOptions:
        fallback = self.config.temperature_fallback and language not in NO_FALLBACK_LANGUAGES
        return DecodeOptions(language=language, temperatures=FALLBACK_TEMPERATURES if fallback else (0.0,),
                             beam_size=self.config.beam_size,
                             initial_prompt=self.config.prompts.get(language or ""))

    def transcribe(self, audio: np.ndarray, language: str | None = None) -> Transcript:
        probability = None
        if language is None:
            language, probability = self.detect_language(audio)
            log.debug("detected language %s (p=%.2f)", language, probability)
        engine = self.model("english" if language == "en" else "multilingual")
        t = engine.decode(audio, self.options(language))
        if probability is not None:
            t = Transcript(t.language, probability, t.text, t.segments, t.duration, t.model, t.backend)
        return t


    def detect_language(self, audio: np.ndarray) -> tuple[str, float]:
        """The most probable of config.languages (any language when that is empty), with its probability."""
        probs = self.model("multilingual").language_probs(audio)
        allowed = {k: v for k, v in probs.items() if not self.config.languages or k in self.config.languages}
        if not allowed:
            raise AsrError(f"none of the configured languages {self.config.languages} is known to the model")
        language = max(allowed, key=lambda k: allowed[k])
        return language, allowed[language]


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
