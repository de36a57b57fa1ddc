"""The only module that imports whisper, faster_whisper and ctranslate2.

Two engines with one shape (`SpeechModel`): faster-whisper (CTranslate2, int8 or float32) and
openai-whisper (PyTorch, fp32, on a checkpoint made by asr.convert). Both take 16 kHz float32
PCM and return asr's own `Transcript`, so the rest of the package never sees a library type.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from asr.errors import ModelFilesError, TranscriptionError
from asr.models import check_ct2_folder
from asr.transcript import SAMPLE_RATE, Segment, Transcript

# Read by native libraries when they load; the CLI sets them first, this covers direct use.
# onnxruntime (faster-whisper's VAD) phones home unless told not to; torch's spinning OpenMP
# threads make openai-whisper ~10x slower when another process shares the cores.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

log = logging.getLogger(__name__)


class _MelFilters(np.ndarray):
    """faster-whisper's mel filterbank, projected without BLAS.

    Its feature extractor projects the spectrogram with `mel_filters @ magnitudes`, and OpenBLAS
    splits that product by its thread count: the features, and so the text, changed with the
    machine's cores and OMP_NUM_THREADS (a call read "…back at 415286193." on 2 threads and "…back
    at 1, 5, 2, 8, 6, 0, 1, 9, 3" on 1, which is what a Ray worker gets). numpy's own einsum loop
    in float64, rounded once to float32, gives the correctly rounded product on every machine
    (21 ms a 30 s window; docs/asr.md).
    """

    def __matmul__(self, other: np.ndarray) -> np.ndarray:  # type: ignore[override]
        exact = np.einsum("mf,...ft->...mt", np.asarray(self, dtype=np.float64), other.astype(np.float64))
        return exact.astype(np.float32)


def _whisper_model(model_dir: Path, compute_type: str, threads: int) -> Any:
    from faster_whisper import WhisperModel

    model = WhisperModel(str(model_dir), device="cpu", compute_type=compute_type, cpu_threads=threads,
                         num_workers=1, local_files_only=True)
    extractor = model.feature_extractor
    extractor.mel_filters = np.asarray(extractor.mel_filters).view(_MelFilters)
    return model


# Whisper's fallback chain thinned from six temperatures to three: each failed step samples five
# candidates, and on weak English audio every step fails. On the simulated day (where it was chosen,
# among six, three and one) it cut CPU by 9 % at the same English text; on the real clips, same text.
FALLBACK_TEMPERATURES = (0.0, 0.4, 0.8)
MAX_NEW_TOKENS = 224  # openai-whisper's sample_len: half the text context, so prompt + text always fit


@dataclass(frozen=True)
class DecodeOptions:
    """How to decode one recording (the same meaning in both backends)."""

    language: str | None  # None: the engine detects it
    temperatures: tuple[float, ...] = (0.0,)  # (0.0,) is greedy with no fallback
    beam_size: int = 1  # 1 = greedy
    initial_prompt: str | None = None  # text the decoder is conditioned on (e.g. script choice)
    # Whisper's own hallucination checks: a window whose text compresses too well (a loop) or whose
    # mean log-prob is too low is decoded again at the next temperature; a window judged silent
    # (no-speech prob above the threshold and log-prob below its threshold) is skipped.
    compression_ratio_threshold: float | None = 2.4
    log_prob_threshold: float | None = -1.0
    no_speech_threshold: float | None = 0.6
    repetition_penalty: float = 1.0  # faster-whisper only (openai-whisper has none)
    no_repeat_ngram_size: int = 0  # faster-whisper only: 0 = off
    # Tokens one 30 s window may generate (None = the model's limit). A loop otherwise runs to the
    # limit, and on a short call that is most of the decoding time.
    max_new_tokens: int | None = None


class SpeechModel(Protocol):
    name: str  # model name, e.g. "tiny.en"
    backend: str  # e.g. "faster-whisper/int8"
    multilingual: bool

    def decode(self, audio: np.ndarray, options: DecodeOptions) -> Transcript: ...

    def language_probs(self, audio: np.ndarray) -> dict[str, float]:
        """Language code -> probability for the first 30 s ({"en": 1.0} for an English-only model)."""
        ...


def _duration(audio: np.ndarray) -> float:
    return float(len(audio)) / SAMPLE_RATE


class FasterWhisperModel:
    """faster-whisper on a CTranslate2 folder; compute_type "int8" or "float32".

    The encoder pass over a 30 s window is most of the cost of a short call, and one call asks for
    it several times (language detection, the decode, a second decode of a loop). Encoder outputs
    are therefore kept for the last few windows, keyed by the window's log-mel features.

    `window_padding_s`: faster-whisper pads every window to 30 s, and on a 10 s call two thirds of
    the encoder's work, and of what the decoder attends to, is padding. With a value the encoder
    (detection and decoding alike) sees the window's content plus that much of its padding
    (CTranslate2 takes shorter inputs); None keeps the 30 s window. With 1 s of padding base heard
    clear English as Mandarin; 3 s halves the CPU but lost spoken ids on held-out calls, so the
    default is None (docs/asr.md).
    """

    ENCODER_MEMO = 4  # windows kept: a call's first window plus a few more

    def __init__(self, model_dir: Path, name: str, compute_type: str = "int8", threads: int = 2,
                 window_padding_s: float | None = None) -> None:
        check_ct2_folder(model_dir)
        self.name, self.backend = name, f"faster-whisper/{compute_type}"
        self.window_padding_s = window_padding_s
        self._model_dir, self._compute_type, self._threads = model_dir, compute_type, threads
        try:
            self._model = _whisper_model(model_dir, compute_type, threads)
        except (RuntimeError, ValueError, OSError) as e:
            raise ModelFilesError(f"faster-whisper cannot load {model_dir} ({compute_type}): {e}") from e
        self.multilingual = bool(self._model.model.is_multilingual)
        self._memo: OrderedDict[bytes, Any] = OrderedDict()
        self._encode = self._model.encode
        self._model.encode = self._memo_encode  # faster-whisper calls self.encode
        self.encoder_passes = 0  # encoder passes run (not served from the memo), for benchmarks

    def _memo_encode(self, features: np.ndarray) -> Any:
        """The encoder output for a padded window [n_mels, 3000], its padding cut to window_padding_s."""
        if self.window_padding_s is not None:
            features = trim_padding(features, int(self.window_padding_s * self._model.frames_per_second))
        key = hashlib.blake2b(np.ascontiguousarray(features).tobytes(), digest_size=16).digest()
        if key in self._memo:
            self._memo.move_to_end(key)
            return self._memo[key]
        out = self._encode(features)
        self.encoder_passes += 1
        self._memo[key] = out
        if len(self._memo) > self.ENCODER_MEMO:
            self._memo.popitem(last=False)
        return out

    def decode(self, audio: np.ndarray, options: DecodeOptions) -> Transcript:
        """One recording decoded; the same text whatever this process decoded before.

        CTranslate2 seeds a worker thread's sampler once, at its first sample, so a temperature
        fallback sampled on the long-lived model would depend on the calls decoded before it (and
        on which process or Ray worker took the call). The fallback therefore never samples here:
        the recording is decoded at temperature 0 first, and only when a window fails Whisper's
        checks is the whole fallback chain run on a freshly loaded copy of the model, whose new
        threads start their samplers from the same seed (≈0.4 s for tiny.en, encoder outputs shared).
        """
        chain = options.temperatures
        if chain[0] == 0:
            raw, info = self._transcribe(self._model, audio, replace(options, temperatures=(0.0,)))
            if len(chain) == 1 or not any(_fails_checks(s, options) for s in raw):
                return self._transcript(raw, info, audio, options)
        raw, info = self._transcribe(self._fresh_copy(), audio, options)
        return self._transcript(raw, info, audio, options)

    def _fresh_copy(self) -> Any:
        """The model loaded again, its encoder served from this one's memo (same weights)."""
        import ctranslate2

        model = _whisper_model(self._model_dir, self._compute_type, self._threads)
        model.encode = self._memo_encode
        ctranslate2.set_random_seed(0)  # read by each new thread at its first sample
        return model

    def _transcribe(self, model: Any, audio: np.ndarray, options: DecodeOptions) -> tuple[list[Any], Any]:
        try:
            segments, info = model.transcribe(
                audio, language=options.language, task="transcribe", beam_size=options.beam_size,
                temperature=options.temperatures, condition_on_previous_text=False,
                compression_ratio_threshold=options.compression_ratio_threshold,
                log_prob_threshold=options.log_prob_threshold, no_speech_threshold=options.no_speech_threshold,
                repetition_penalty=options.repetition_penalty, no_repeat_ngram_size=options.no_repeat_ngram_size,
                max_new_tokens=None if options.max_new_tokens is None else min(options.max_new_tokens, MAX_NEW_TOKENS),
                initial_prompt=options.initial_prompt, vad_filter=False)
            return list(segments), info  # decodes here
        except (RuntimeError, ValueError) as e:
            raise TranscriptionError(f"faster-whisper failed: {e}") from e

    def _transcript(self, raw: list[Any], info: Any, audio: np.ndarray, options: DecodeOptions) -> Transcript:
        segs = _drop_echo(tuple(Segment(float(s.start), float(s.end), s.text.strip(), float(s.avg_logprob),
                                        float(s.no_speech_prob)) for s in raw), options)
        detected = options.language is None
        return Transcript(language=info.language, language_probability=float(info.language_probability)
                          if detected else None, text=_join(segs, info.language),
                          segments=segs, duration=_duration(audio), model=self.name, backend=self.backend)

    def language_probs(self, audio: np.ndarray) -> dict[str, float]:
        from faster_whisper.audio import pad_or_trim

        if not self.multilingual:
            return {"en": 1.0}
        # The first window cut as generate_segments cuts it (content frames, then padded), so the
        # encoder output is the one decode() will ask for.
        features = self._model.feature_extractor(audio)
        window = self._model.feature_extractor.nb_max_frames
        first = pad_or_trim(features[:, :min(window, features.shape[-1] - 1)])
        results = self._model.model.detect_language(self._memo_encode(first))[0]
        return {str(token[2:-2]): float(p) for token, p in results}

    def encode(self, mel: np.ndarray) -> np.ndarray:
        """Encoder output float32 [n_audio_ctx, n_audio_state] for a log-mel window [n_mels, 3000] (parity checks)."""
        import ctranslate2

        features = ctranslate2.StorageView.from_array(np.ascontiguousarray(mel[None], dtype=np.float32))
        return np.array(self._model.model.encode(features, to_cpu=True))[0].astype(np.float32)


class OpenAIWhisperModel:
    """openai-whisper (PyTorch fp32) on a checkpoint written by asr.convert."""

    def __init__(self, checkpoint: Path, name: str, threads: int = 2) -> None:
        import torch
        import whisper

        from asr.convert import alignment_mask

        torch.set_num_threads(threads)
        self.name, self.backend = name, "openai-whisper/fp32"
        try:
            data: dict[str, Any] = torch.load(checkpoint, map_location="cpu", weights_only=True)
            model = whisper.model.Whisper(whisper.model.ModelDimensions(**data["dims"]))
            model.load_state_dict(data["model_state_dict"])
        except (OSError, RuntimeError, KeyError, TypeError) as e:
            raise ModelFilesError(f"{checkpoint} is not an openai-whisper checkpoint ({e}); "
                                  "rebuild it with `riskgraph asr convert`") from e
        # load_model(path) leaves the default heads; the model's own heads make word timings right.
        dims = model.dims
        mask = alignment_mask(dims.n_text_layer, dims.n_text_head, data.get("alignment_heads") or [])
        model.register_buffer("alignment_heads", mask.to_sparse(), persistent=False)
        self._model = model.eval()
        self.multilingual = bool(model.is_multilingual)

    def decode(self, audio: np.ndarray, options: DecodeOptions) -> Transcript:
        import torch
        import whisper

        torch.manual_seed(0)  # the fallback samples on torch's global generator: same text every run
        try:
            result = whisper.transcribe(
                self._model, audio.astype(np.float32), language=options.language, task="transcribe",
                temperature=options.temperatures, beam_size=options.beam_size if options.beam_size > 1 else None,
                condition_on_previous_text=False, initial_prompt=options.initial_prompt, fp16=False, verbose=None,
                sample_len=None if options.max_new_tokens is None else min(options.max_new_tokens, MAX_NEW_TOKENS),
                compression_ratio_threshold=options.compression_ratio_threshold,
                logprob_threshold=options.log_prob_threshold, no_speech_threshold=options.no_speech_threshold)
        except (RuntimeError, ValueError) as e:
            raise TranscriptionError(f"openai-whisper failed: {e}") from e
        segs = _drop_echo(tuple(Segment(float(s["start"]), float(s["end"]), str(s["text"]).strip(),
                                        float(s["avg_logprob"]), float(s["no_speech_prob"]))
                                for s in result["segments"]), options)
        language = str(result["language"])
        probability = None
        if options.language is None:
            probability = self.language_probs(audio).get(language)
        return Transcript(language=language, language_probability=probability, text=_join(segs, language),
                          segments=segs, duration=_duration(audio), model=self.name, backend=self.backend)

    def language_probs(self, audio: np.ndarray) -> dict[str, float]:
        import torch
        import whisper

        if not self.multilingual:
            return {"en": 1.0}
        mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(audio.astype(np.float32)),
                                          self._model.dims.n_mels)
        with torch.no_grad():
            _, probs = self._model.detect_language(mel)
        assert isinstance(probs, dict)
        return {str(code): float(p) for code, p in probs.items()}

    def log_mel(self, audio: np.ndarray) -> np.ndarray:
        """openai-whisper's log-mel features of the first 30 s window, float32 [n_mels, 3000]."""
        import whisper

        mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(audio.astype(np.float32)), self._model.dims.n_mels)
        return mel.numpy()

    def encode(self, mel: np.ndarray) -> np.ndarray:
        """Encoder output float32 [n_audio_ctx, n_audio_state] for a log-mel window [n_mels, 3000]."""
        import torch

        with torch.no_grad():
            return self._model.embed_audio(torch.from_numpy(mel)[None]).numpy()[0]


def trim_padding(features: np.ndarray, keep: int) -> np.ndarray:
    """A padded log-mel window [n_mels, frames] cut `keep` frames after its content.

    faster-whisper pads a window with all-zero frames; a frame of audio is never all zero (log-mel
    values are normalized around -1..1 and speech or line noise moves every band). Even lengths
    only: the encoder's convolution halves the frame count.
    """
    nonzero = np.flatnonzero(np.any(features != 0.0, axis=0))
    content = int(nonzero[-1]) + 1 if nonzero.size else 0
    n = min(features.shape[-1], content + keep + (content + keep) % 2)
    return np.ascontiguousarray(features[:, :n])


# Silero's default threshold (0.5) is for wideband audio: on a telephone copy of an AISHELL clip it
# found speech 1.06 s late and lost the first three characters; at 0.3 it starts where the original
# does. A stretch of noise let through costs little: the decoder's no-speech check skips it.
VAD_THRESHOLD = 0.3


def speech_spans(audio: np.ndarray, min_silence_ms: int = 700, pad_ms: int = 300) -> list[tuple[int, int]]:
    """Sample ranges that faster-whisper's bundled Silero VAD marks as speech (no download)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(threshold=VAD_THRESHOLD, min_silence_duration_ms=min_silence_ms, speech_pad_ms=pad_ms,
                         max_speech_duration_s=28.0)
    return [(int(c["start"]), int(c["end"])) for c in get_speech_timestamps(audio, options)]


def _drop_echo(segments: tuple[Segment, ...], options: DecodeOptions) -> tuple[Segment, ...]:
    """Remove the initial prompt where Whisper writes it back: its answer to audio it cannot read.

    A segment that is only the prompt goes; a prompt written after (or before) real text is cut
    out of it (a window is one segment, so an echo often trails the speech).
    """
    if not options.initial_prompt:
        return segments
    prompt = options.initial_prompt.strip()
    out = []
    for s in segments:
        text = s.text.replace(prompt, " ").strip() if prompt in s.text else s.text
        if text:
            out.append(s if text == s.text else replace(s, text=text))
    return tuple(out)


def _fails_checks(segment: Any, options: DecodeOptions) -> bool:
    """faster-whisper's fallback rule for the window a segment came from (its segments share the scores)."""
    cr, lp, ns = options.compression_ratio_threshold, options.log_prob_threshold, options.no_speech_threshold
    low_prob = lp is not None and segment.avg_logprob < lp
    if ns is not None and low_prob and segment.no_speech_prob > ns:
        return False  # silence
    return low_prob or (cr is not None and segment.compression_ratio > cr)


def _join(segments: tuple[Segment, ...], language: str) -> str:
    # Chinese and Japanese are written without spaces between segments.
    sep = "" if language in ("zh", "ja", "yue") else " "
    return sep.join(s.text for s in segments).strip()
