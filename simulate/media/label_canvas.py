"""Drawing primitives shared by the label templates: text runs, wrapped blocks, barcodes, QR blocks.

A template draws top to bottom on a `Canvas` taller than it needs and crops it at the end, so
no template has to compute its height first. Every random choice comes from the generator passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from simulate.media.fonts import load_font

INK = (20, 20, 20)
Bounds = tuple[float, float, float, float]  # x0, y0, x1, y1 in label pixels


def wrap(text: str, font: ImageFont.FreeTypeFont, width: float, language: str) -> list[str]:
    """Greedy line wrap: by character for Chinese, by word for English."""
    tokens = list(text) if language == "zh" else text.split(" ")
    sep = "" if language == "zh" else " "
    lines: list[str] = []
    cur = ""
    for tok in tokens:
        cand = tok if not cur else cur + sep + tok
        if cur and font.getlength(cand) > width:
            lines.append(cur)
            cur = tok
        else:
            cur = cand
    if cur:
        lines.append(cur)
    return lines


def union(a: Bounds | None, b: Bounds) -> Bounds:
    return b if a is None else (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


@dataclass
class Canvas:
    """A label being drawn: paper, a pen, and the bounds of the recipient address lines so far."""

    width: int
    rng: np.random.Generator
    language: str
    height: int = 1600
    image: Image.Image = field(init=False)
    draw: ImageDraw.ImageDraw = field(init=False)
    address: Bounds | None = None

    def __post_init__(self) -> None:
        shade = int(self.rng.integers(236, 256))
        paper = (shade, shade, max(220, shade - int(self.rng.integers(0, 12))))
        self.image = Image.new("RGB", (self.width, self.height), paper)
        self.draw = ImageDraw.Draw(self.image)

    def font(self, size: int, bold: bool = False, style: str = "sans", language: str | None = None
             ) -> ImageFont.FreeTypeFont:
        return load_font(language or self.language, size, bold, style)

    def text(self, x: float, y: float, s: str, font: ImageFont.FreeTypeFont, fill: tuple[int, int, int] = INK,
             address: bool = False) -> Bounds:
        """Draw one run; `address`: it is part of the recipient address (the detector's address_block)."""
        self.draw.text((x, y), s, font=font, fill=fill)
        box = self.draw.textbbox((x, y), s, font=font)
        if address:
            self.address = union(self.address, (float(box[0]), float(box[1]), float(box[2]), float(box[3])))
        return float(box[0]), float(box[1]), float(box[2]), float(box[3])

    def lines(self, x: float, y: float, lines: list[str], font: ImageFont.FreeTypeFont, step: int,
              address: bool = False) -> int:
        """Draw lines `step` apart from y; the y under the last."""
        for line in lines:
            self.text(x, y, line, font, address=address)
            y += step
        return int(y)

    def rule(self, y: float, x0: float | None = None, x1: float | None = None, width: int = 2) -> None:
        self.draw.line([x0 if x0 is not None else 0, y, x1 if x1 is not None else self.width, y],
                       fill=(60, 60, 60), width=width)

    def vrule(self, x: float, y0: float, y1: float, width: int = 2) -> None:
        self.draw.line([x, y0, x, y1], fill=(60, 60, 60), width=width)

    def band(self, y0: float, y1: float, colour: tuple[int, int, int], x0: float = 0, x1: float | None = None) -> None:
        self.draw.rectangle([x0, y0, x1 if x1 is not None else self.width, y1], fill=colour)

    def boxed(self, x: float, y: float, s: str, font: ImageFont.FreeTypeFont, pad: int = 6) -> Bounds:
        """A caption in a frame (the boxed 收 / 寄 of Chinese e-waybills)."""
        b = self.draw.textbbox((x + pad, y + pad), s, font=font)
        self.draw.rectangle([x, y, b[2] + pad, b[3] + pad], outline=INK, width=2)
        return self.text(x + pad, y + pad, s, font)

    def barcode(self, x: int, y: int, w: int, h: int) -> None:
        """A Code-128-looking stripe pattern (not decodable; it only has to look like one)."""
        cx = x
        while cx < x + w - 4:
            bar, gap = int(self.rng.integers(1, 5)), int(self.rng.integers(1, 4))
            self.draw.rectangle([cx, y, min(cx + bar, x + w) - 1, y + h], fill=(15, 15, 15))
            cx += bar + gap

    def qr(self, x: int, y: int, size: int) -> None:
        """A QR-looking square: three finder patterns and random modules."""
        n = 25
        m = size / n
        bits = self.rng.random((n, n)) < 0.5
        for (fx, fy) in ((0, 0), (n - 7, 0), (0, n - 7)):
            bits[fy:fy + 7, fx:fx + 7] = False
            bits[fy, fx:fx + 7] = bits[fy + 6, fx:fx + 7] = True
            bits[fy:fy + 7, fx] = bits[fy:fy + 7, fx + 6] = True
            bits[fy + 2:fy + 5, fx + 2:fx + 5] = True
        for j, i in zip(*np.nonzero(bits), strict=True):
            self.draw.rectangle([x + i * m, y + j * m, x + (i + 1) * m - 1, y + (j + 1) * m - 1], fill=(15, 15, 15))

    def finish(self, bottom: int) -> tuple[Image.Image, Bounds]:
        """Crop to `bottom`, frame it; the label and the recipient address bounds (4 px margin)."""
        img = self.image.crop((0, 0, self.width, bottom))
        ImageDraw.Draw(img).rectangle([2, 2, self.width - 3, bottom - 3], outline=(60, 60, 60), width=2)
        if self.address is None:
            raise ValueError("a label template drew no recipient address")
        x0, y0, x1, y1 = self.address
        return img, (x0 - 4, y0 - 4, x1 + 4, y1 + 4)


def digits(rng: np.random.Generator, n: int) -> str:
    return "".join(str(int(d)) for d in rng.integers(0, 10, n))


def pick(rng: np.random.Generator, options: str | tuple[str, ...] | list[str]) -> str:
    return str(options[int(rng.integers(len(options)))])


def split_us_address(address: str) -> list[str]:
    """"12 Oak St Apt 4B, Austin, TX 73301" → ["12 Oak St Apt 4B", "Austin, TX 73301"] (street / city line)."""
    head, sep, tail = address.partition(", ")
    return [head, tail] if sep else [address]
