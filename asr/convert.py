"""CTranslate2 Whisper folder -> openai-whisper checkpoint (`{"dims": ..., "model_state_dict": ...}`).

The mapping is mechanical:
- CT2 fuses self-attention query/key/value into one `linear_0` ([3*d, d]) and cross-attention
  key/value into `linear_1` ([2*d, d]); openai-whisper keeps them apart.
- openai-whisper's key projection has no bias. Dropping it is exact, not an approximation:
  a key bias adds q·b to every logit of a query alike, and softmax ignores a constant shift.
- LayerNorm gamma/beta become weight/bias; embeddings and position tables keep their values.

The weights keep their stored dtype (float16 here, like OpenAI's own checkpoints); `dims` are
plain ints so `torch.load(weights_only=True)` accepts the file. The checkpoint also carries the
model's `alignment_heads` ([layer, head] pairs from config.json): `whisper.load_model` ignores the
key, and asr's openai-whisper backend registers the mask from it (word timestamps need it).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import torch

from asr.ct2_format import Ct2Model, read_model_bin
from asr.errors import ModelFilesError

SPEC = "WhisperSpec"


def _t(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.array(a))  # copy: the source is a read-only view of the file


def _count_layers(v: dict[str, np.ndarray], prefix: str) -> int:
    n = 0
    while f"{prefix}/layer_{n}/ffn/linear_0/weight" in v:
        n += 1
    return n


def whisper_dims(m: Ct2Model) -> dict[str, int]:
    """openai-whisper's ModelDimensions, read off the variables' shapes (plain Python ints)."""
    v = m.variables
    enc_pos, dec_pos = v["encoder/position_encodings/encodings"], v["decoder/position_encodings/encodings"]
    return {
        "n_mels": int(v["encoder/conv1/weight"].shape[1]),
        "n_audio_ctx": int(enc_pos.shape[0]),
        "n_audio_state": int(enc_pos.shape[1]),
        "n_audio_head": m.scalar("encoder/num_heads"),
        "n_audio_layer": _count_layers(v, "encoder"),
        "n_vocab": int(v["decoder/embeddings/weight"].shape[0]),
        "n_text_ctx": int(dec_pos.shape[0]),
        "n_text_state": int(dec_pos.shape[1]),
        "n_text_head": m.scalar("decoder/num_heads"),
        "n_text_layer": _count_layers(v, "decoder"),
    }


def _linear(v: dict[str, np.ndarray], src: str, dst: str, out: dict[str, torch.Tensor]) -> None:
    out[f"{dst}.weight"] = _t(v[f"{src}/weight"])
    out[f"{dst}.bias"] = _t(v[f"{src}/bias"])


def _norm(v: dict[str, np.ndarray], src: str, dst: str, out: dict[str, torch.Tensor]) -> None:
    out[f"{dst}.weight"] = _t(v[f"{src}/gamma"])
    out[f"{dst}.bias"] = _t(v[f"{src}/beta"])


def _split(v: dict[str, np.ndarray], src: str, dsts: list[str], out: dict[str, torch.Tensor]) -> None:
    """Split a fused projection row-wise into len(dsts) equal parts; keys get no bias."""
    weights = np.split(v[f"{src}/weight"], len(dsts), axis=0)
    biases = np.split(v[f"{src}/bias"], len(dsts), axis=0)
    for dst, w, b in zip(dsts, weights, biases, strict=True):
        out[f"{dst}.weight"] = _t(w)
        if not dst.endswith(".key"):
            out[f"{dst}.bias"] = _t(b)


def _block(v: dict[str, np.ndarray], src: str, dst: str, cross: bool, out: dict[str, torch.Tensor]) -> None:
    _norm(v, f"{src}/self_attention/layer_norm", f"{dst}.attn_ln", out)
    _split(v, f"{src}/self_attention/linear_0", [f"{dst}.attn.{p}" for p in ("query", "key", "value")], out)
    _linear(v, f"{src}/self_attention/linear_1", f"{dst}.attn.out", out)
    if cross:
        _norm(v, f"{src}/attention/layer_norm", f"{dst}.cross_attn_ln", out)
        _linear(v, f"{src}/attention/linear_0", f"{dst}.cross_attn.query", out)
        _split(v, f"{src}/attention/linear_1", [f"{dst}.cross_attn.key", f"{dst}.cross_attn.value"], out)
        _linear(v, f"{src}/attention/linear_2", f"{dst}.cross_attn.out", out)
    _norm(v, f"{src}/ffn/layer_norm", f"{dst}.mlp_ln", out)
    _linear(v, f"{src}/ffn/linear_0", f"{dst}.mlp.0", out)
    _linear(v, f"{src}/ffn/linear_1", f"{dst}.mlp.2", out)


def whisper_state_dict(m: Ct2Model) -> dict[str, torch.Tensor]:
    """openai-whisper parameter names -> tensors, in the CT2 file's dtype."""
    if m.spec != SPEC:
        raise ModelFilesError(f"model.bin holds a {m.spec}, not a {SPEC}: only Whisper models convert")
    v, dims = m.variables, whisper_dims(m)
    out: dict[str, torch.Tensor] = {}
    for name in ("conv1", "conv2"):
        _linear(v, f"encoder/{name}", f"encoder.{name}", out)
    out["encoder.positional_embedding"] = _t(v["encoder/position_encodings/encodings"])
    for i in range(dims["n_audio_layer"]):
        _block(v, f"encoder/layer_{i}", f"encoder.blocks.{i}", False, out)
    _norm(v, "encoder/layer_norm", "encoder.ln_post", out)
    out["decoder.token_embedding.weight"] = _t(v["decoder/embeddings/weight"])
    out["decoder.positional_embedding"] = _t(v["decoder/position_encodings/encodings"])
    for i in range(dims["n_text_layer"]):
        _block(v, f"decoder/layer_{i}", f"decoder.blocks.{i}", True, out)
    _norm(v, "decoder/layer_norm", "decoder.ln", out)
    return out


def read_alignment_heads(src_dir: Path) -> list[list[int]]:
    """[[layer, head], ...] from the CT2 folder's config.json (empty if it names none)."""
    try:
        config = json.loads((src_dir / "config.json").read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise ModelFilesError(f"cannot read {src_dir / 'config.json'}: {e}") from e
    return [[int(layer), int(head)] for layer, head in config.get("alignment_heads") or []]


def build_checkpoint(src_dir: Path) -> dict[str, Any]:
    """The openai-whisper checkpoint for the CT2 Whisper model in `src_dir`."""
    model = read_model_bin(src_dir / "model.bin")
    return {"dims": whisper_dims(model), "model_state_dict": whisper_state_dict(model),
            "alignment_heads": read_alignment_heads(src_dir)}


def alignment_mask(n_text_layer: int, n_text_head: int, heads: list[list[int]]) -> torch.Tensor:
    """Bool [n_text_layer, n_text_head] mask; openai-whisper's default (upper half) when `heads` is empty."""
    mask = torch.zeros(n_text_layer, n_text_head, dtype=torch.bool)
    if not heads:
        mask[n_text_layer // 2:] = True
    for layer, head in heads:
        mask[layer, head] = True
    return mask


def convert(src_dir: Path, dst: Path) -> dict[str, int]:
    """Write the checkpoint to `dst` atomically; return its dims."""
    checkpoint = build_checkpoint(src_dir)
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}-", dir=dst.parent)
    os.close(fd)
    try:
        torch.save(checkpoint, tmp)
        os.replace(tmp, dst)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return dict(checkpoint["dims"])
