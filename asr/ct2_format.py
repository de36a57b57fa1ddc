"""Reader for CTranslate2's `model.bin` (binary version 6, little-endian).

Layout, as written by `ctranslate2.specs.model_spec.ModelSpec._serialize`:

    u32 binary_version, str spec_name, u32 spec_revision, u32 n_variables,
    n_variables x (str name, u8 rank, rank x u32 dim, u8 dtype_id, u32 n_bytes, bytes),
    u32 n_aliases, n_aliases x (str alias, str target)

where `str` is u16 length (including a trailing NUL) followed by the UTF-8 bytes and the NUL.
There is no checksum: a file that parses to exactly its last byte is the integrity check.
Pure numpy, no ctranslate2 import, so the converter works without the runtime.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from asr.errors import ModelFilesError

# dtype ids in the order ctranslate2 assigns them (model_spec._dtype_to_type_id)
_DTYPES = (np.dtype("float32"), np.dtype("int8"), np.dtype("int16"), np.dtype("int32"), np.dtype("float16"))
_BFLOAT16_ID = 5
SUPPORTED_VERSION = 6


@dataclass(frozen=True)
class Ct2Model:
    """Every variable of a CTranslate2 model, by name (aliases resolved)."""

    spec: str  # e.g. "WhisperSpec"
    revision: int
    variables: dict[str, np.ndarray]  # read-only views into the file's bytes

    def scalar(self, name: str) -> int:
        return int(self.variables[name].reshape(()).item())


class _Cursor:
    def __init__(self, data: memoryview, path: Path) -> None:
        self.data, self.off, self.path = data, 0, path

    def unpack(self, fmt: str) -> int:
        size = struct.calcsize(fmt)
        if self.off + size > len(self.data):
            raise self.truncated()
        (value,) = struct.unpack_from("<" + fmt, self.data, self.off)
        self.off += size
        return int(value)

    def string(self) -> str:
        n = self.unpack("H")
        raw = self.take(n)
        return bytes(raw[:-1]).decode("utf-8")

    def take(self, n: int) -> memoryview:
        if self.off + n > len(self.data):
            raise self.truncated()
        out = self.data[self.off:self.off + n]
        self.off += n
        return out

    def truncated(self) -> ModelFilesError:
        return ModelFilesError(f"{self.path} ends early at byte {self.off} of {len(self.data)}: the file is "
                               "truncated or its parts were joined wrongly; reinstall the model package")


def parse_model_bin(data: bytes | memoryview, path: Path = Path("model.bin")) -> Ct2Model:
    """Parse the whole file; raise ModelFilesError unless it parses to exactly its end."""
    cur = _Cursor(memoryview(data), path)
    version = cur.unpack("I")
    if version != SUPPORTED_VERSION:
        raise ModelFilesError(f"{path}: CTranslate2 binary version {version} is not supported "
                              f"(expected {SUPPORTED_VERSION}); re-export the model with ctranslate2 4.x")
    spec = cur.string()
    revision = cur.unpack("I")
    variables: dict[str, np.ndarray] = {}
    for _ in range(cur.unpack("I")):
        name = cur.string()
        shape = tuple(cur.unpack("I") for _ in range(cur.unpack("B")))
        dtype_id = cur.unpack("B")
        raw = cur.take(cur.unpack("I"))
        if dtype_id == _BFLOAT16_ID:
            # bfloat16 is the top half of a float32: widen instead of needing a bf16 dtype.
            arr = (np.frombuffer(raw, dtype="<u2").astype("<u4") << 16).view(np.float32)
        elif dtype_id < len(_DTYPES):
            arr = np.frombuffer(raw, dtype=_DTYPES[dtype_id].newbyteorder("<"))
        else:
            raise ModelFilesError(f"{path}: variable {name} has unknown dtype id {dtype_id}")
        variables[name] = arr.reshape(shape)
    for _ in range(cur.unpack("I")):
        alias, target = cur.string(), cur.string()
        variables[alias] = variables[target]
    if cur.off != len(cur.data):
        raise ModelFilesError(f"{path}: {len(cur.data) - cur.off} trailing bytes after the last record; "
                              "the file is corrupt or its parts were joined wrongly")
    return Ct2Model(spec=spec, revision=revision, variables=variables)


def read_model_bin(path: Path) -> Ct2Model:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ModelFilesError(f"cannot read {path}: {e}") from e
    return parse_model_bin(data, path)
