"""Converter: a checkpoint whisper.load_model accepts, and the same model as the CTranslate2 original."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from asr.backends import DecodeOptions, FasterWhisperModel, OpenAIWhisperModel
from asr.convert import convert
from asr.models import english_model_dir
from testing.audio import Clip

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dst = tmp_path_factory.mktemp("ckpt") / "tiny.en.pt"
    convert(english_model_dir(), dst)
    return dst


def test_checkpoint_loads_with_weights_only_and_load_model(checkpoint: Path) -> None:
    import whisper

    data = torch.load(checkpoint, weights_only=True)
    assert all(type(v) is int for v in data["dims"].values())
    assert data["dims"]["n_vocab"] == 51864 and data["dims"]["n_text_layer"] == 4
    assert data["alignment_heads"] and all(len(h) == 2 for h in data["alignment_heads"])
    assert not any(k.endswith("attn.key.bias") for k in data["model_state_dict"])
    model = whisper.load_model(str(checkpoint), device="cpu")
    assert not model.is_multilingual
    assert set(model.state_dict()) == set(data["model_state_dict"])


def test_openai_backend_registers_the_models_alignment_heads(checkpoint: Path) -> None:
    data = torch.load(checkpoint, weights_only=True)
    model = OpenAIWhisperModel(checkpoint, "tiny.en", threads=2)._model
    heads = model.alignment_heads.to_dense().nonzero().tolist()
    assert sorted(heads) == sorted(data["alignment_heads"])


def test_both_backends_agree(checkpoint: Path, english_clips: list[tuple[Clip, Path, np.ndarray]]) -> None:
    fw = FasterWhisperModel(english_model_dir(), "tiny.en", compute_type="float32", threads=2)
    ow = OpenAIWhisperModel(checkpoint, "tiny.en", threads=2)
    greedy = DecodeOptions(language="en", temperatures=(0.0,), beam_size=1)
    clips = english_clips[:3]
    for clip, _, audio in clips:
        a, b = fw.decode(audio, greedy), ow.decode(audio, greedy)
        print(f"{clip.name}\n  faster-whisper: {a.text}\n  openai-whisper: {b.text}")
        assert a.text == b.text
    mel = ow.log_mel(clips[0][2])  # the same input to both encoders
    enc_a, enc_b = fw.encode(mel), ow.encode(mel)
    assert enc_a.shape == enc_b.shape == (1500, 384)
    diff = float(np.abs(enc_a - enc_b).max())
    print(f"encoder max |diff| {diff:.2e} (output scale {float(np.abs(enc_b).max()):.1f})")
    assert np.allclose(enc_a, enc_b, atol=1e-3, rtol=1e-3)
