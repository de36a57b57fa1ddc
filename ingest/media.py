"""Media paths named in the day's tables (returns.photo, calls.audio): confined to the day folder.

An export names its recordings and photos by path; a path that leaves the day folder (absolute,
`../..`, or a symlink pointing out) could make ffprobe or the image reader open any file the job
can read, and put it in the graph. Every stage that opens a media file goes through `media_path`
first, so the check happens before any reader sees the file.
"""

from __future__ import annotations

import os
from pathlib import Path

from ingest.errors import MediaPathError


def media_path(day: Path, raw: str) -> Path:
    """The file `raw` names, symlinks resolved; MediaPathError unless it lies inside `day`."""
    root = Path(os.path.realpath(day))
    resolved = Path(os.path.realpath(root / raw))  # an absolute `raw` replaces root: caught below
    if root not in resolved.parents:
        raise MediaPathError(raw, str(resolved))
    return resolved


def inside_day(day: Path, raws: list[str]) -> list[bool]:
    """`media_path` as a yes/no per value (for whole columns)."""
    out = []
    for raw in raws:
        try:
            media_path(day, raw)
        except MediaPathError:
            out.append(False)
        else:
            out.append(True)
    return out


def day_relative(day: Path, path: Path | str) -> str:
    """`path` relative to the day folder as a POSIX string (how quarantine names sources)."""
    try:
        return Path(path).resolve().relative_to(day.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()
