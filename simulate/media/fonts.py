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


def find_face(family: str, bold: bool = False, style: str | None = None) -> FontFace:
    """The first installed face whose family list contains `family` exactly.

    `style` names a fontconfig style ("Italic"); otherwise Bold if `bold`, else Regular/Book.
    """
    want_style = style or ("Bold" if bold else None)
    for path, index, families, styles_text in _faces():
        if family not in families.split(","):
            continue
        styles = styles_text.split(",")
        if (want_style in styles) if want_style else ("Regular" in styles or "Book" in styles):
            return FontFace(path, index)
    raise MediaToolError(f"font family {family!r} not installed; install fonts-noto-cjk, fonts-dejavu-core, "
                         "fonts-dejavu-extra and fonts-arphic-ukai")


# Type faces a label template may print in: (family, fontconfig style or None) per language.
# "hand" is the handwriting-like face for names written on by hand or printed in a script face:
# AR PL UKai (a brush Kai) for Chinese, DejaVu Serif Italic for Latin.
_FAMILIES = {
    ("zh", "sans"): ("Noto Sans CJK SC", None), ("zh", "serif"): ("Noto Serif CJK SC", None),
    ("zh", "mono"): ("Noto Sans Mono CJK SC", None), ("zh", "hand"): ("AR PL UKai CN", "Book"),
    ("en", "sans"): ("DejaVu Sans", None), ("en", "serif"): ("DejaVu Serif", None),
    ("en", "mono"): ("DejaVu Sans Mono", None), ("en", "hand"): ("DejaVu Serif", "Italic"),
}
STYLES = ("sans", "serif", "mono", "hand")


def face_for(language: str, bold: bool = False, style: str = "sans") -> FontFace:
    family, fc_style = _FAMILIES[(language, style)]
    return find_face(family, bold, None if bold and style != "hand" else fc_style)


@functools.lru_cache(maxsize=256)
def load_font(language: str, size: int, bold: bool = False, style: str = "sans") -> ImageFont.FreeTypeFont:
    face = face_for(language, bold, style)
    return ImageFont.truetype(face.path, size=size, index=face.index)
