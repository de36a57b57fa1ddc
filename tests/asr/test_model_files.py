"""CTranslate2 model.bin parsing, the packaged models, and incomplete folders."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from asr.ct2_format import parse_model_bin
from asr.errors import ModelFilesError
from asr.models import check_ct2_folder, english_model_dir, multilingual_model_dir


def _string(s: str) -> bytes:
    return struct.pack("<H", len(s) + 1) + s.encode() + b"\0"


def tiny_model_bin() -> bytes:
    """Two variables (float16 [2, 3], int16 scalar) and one alias, in CTranslate2's layout."""
    w = np.arange(6, dtype=np.float16).reshape(2, 3)
    out = struct.pack("<I", 6) + _string("WhisperSpec") + struct.pack("<II", 3, 2)
    out += _string("a/weight") + struct.pack("<BII", 2, 2, 3) + struct.pack("<BI", 4, w.nbytes) + w.tobytes()
    out += _string("a/num_heads") + struct.pack("<B", 0) + struct.pack("<BI", 2, 2) + struct.pack("<h", 6)
    out += struct.pack("<I", 1) + _string("b/weight") + _string("a/weight")
    return out


def test_parse_hand_built_model_bin() -> None:
    m = parse_model_bin(tiny_model_bin())
    assert m.spec == "WhisperSpec" and m.revision == 3
    assert m.variables["a/weight"].dtype == np.float16 and m.variables["a/weight"].tolist() == [[0, 1, 2], [3, 4, 5]]
    assert m.scalar("a/num_heads") == 6
    assert m.variables["b/weight"] is m.variables["a/weight"]


@pytest.mark.parametrize("damage", [lambda b: b[:-3], lambda b: b + b"\0"])
def test_truncated_or_padded_file_is_rejected(damage: object) -> None:
    assert callable(damage)
    with pytest.raises(ModelFilesError):
        parse_model_bin(damage(tiny_model_bin()))


@pytest.mark.integration
def test_packaged_models_are_found_and_base_is_joined_once(tmp_path: Path) -> None:
    assert (english_model_dir() / "model.bin").stat().st_size > 70_000_000
    folder = multilingual_model_dir(tmp_path)
    model_bin = folder / "model.bin"
    first = model_bin.stat().st_mtime_ns
    assert multilingual_model_dir(tmp_path) == folder and model_bin.stat().st_mtime_ns == first  # reused
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp folder left behind


def test_incomplete_folder_is_rejected_before_loading(tmp_path: Path) -> None:
    src = english_model_dir()
    for name in ("model.bin", "config.json", "vocabulary.txt"):
        (tmp_path / name).symlink_to(src / name)
    with pytest.raises(ModelFilesError, match="tokenizer.json"):
        check_ct2_folder(tmp_path)
    shutil.copyfile(src / "tokenizer.json", tmp_path / "tokenizer.json")
    assert check_ct2_folder(tmp_path) == tmp_path
