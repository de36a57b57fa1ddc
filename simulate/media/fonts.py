"""Font lookup for label rendering (Noto Sans CJK for Chinese, DejaVu Sans for English).

The .ttc collection holds several CJK faces; the Simplified Chinese one is found by its
family name through `fc-list`, so a different Noto packaging still resolves.
"""

from __future__ import annotations

import functools
import subprocess
from dataclasses import dataclass

from PIL import ImageFont

from simulate.errors import MediaToolError


@dataclass(frozen=True)
class FontFace:
    path: str
    index: int  # face index inside a .ttc collection (0 for .ttf)


@functools.cache
def _faces() -> tuple[tuple[str, int, str, str], ...]:
    try:
        out = subprocess.run(["fc-list", "-f", "%{file}|%{index}|%{family}|%{style}\n"],
                             check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        raise MediaToolError("fc-list failed; install fontconfig, fonts-noto-cjk and fonts-dejavu-core") from e
    rows = []
    for line in out.splitlines():
        parts = line.split("|")
        if len(parts) == 4 and parts[1].isdigit():
            rows.append((parts[0], int(parts[1]), parts[2], parts[3]))
    return tuple(sorted(rows))


def find_face(family: str, bold: bool = False) -> FontFace:
    """The first installed face whose family list contains `family` exactly."""
    want_style = "Bold" if bold else None
    for path, index, families, style in _faces():
        if family not in families.split(","):
            continue
        styles = style.split(",")
        if (want_style in styles) if want_style else ("Regular" in styles or "Book" in styles):
            return FontFace(path, index)
    raise MediaToolError(f"font family {family!r} not installed; install fonts-noto-cjk and fonts-dejavu-core")


def face_for(language: str, bold: bool = False) -> FontFace:
    return find_face("Noto Sans CJK SC" if language == "zh" else "DejaVu Sans", bold)


@functools.lru_cache(maxsize=64)
def load_font(language: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    face = face_for(language, bold)
    return ImageFont.truetype(face.path, size=size, index=face.index)
