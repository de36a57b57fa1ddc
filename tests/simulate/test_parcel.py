"""Parcel photos: real rendering, real fonts, real Tesseract on the address block."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from rapidfuzz import fuzz

from simulate.media.parcel import (
    _DIFFICULTY,
    Box,
    LabelText,
    _tape_band,
    render_label,
    render_parcel_photo,
    yolo_lines,
)

ZH = LabelText("zh", "王小明", "138 1234 5678", "广东省深圳市南山区科技园南路18号3栋1502室",
               "李华", "+86 13912345678", "浙江省杭州市余杭区文一西路969号", "SF1234567890123")
EN = LabelText("en", "John Smith", "+1 415-555-0123", "1234 Market Street Apt 4B, San Francisco, CA 94103",
               "Acme Store", "+1 212-555-0199", "77 Broadway Ave, New York, NY 10004", "1Z999AA10123456784")


def _inside(inner: Box, outer: Box, tol: float = 1.0) -> bool:
    return (inner.x0 >= outer.x0 - tol and inner.y0 >= outer.y0 - tol
            and inner.x1 <= outer.x1 + tol and inner.y1 <= outer.y1 + tol)


@pytest.mark.parametrize("difficulty", ["easy", "default", "hard"])
@pytest.mark.parametrize("text", [ZH, EN], ids=["zh", "en"])
def test_photo_boxes_are_inside_image_and_nested(text: LabelText, difficulty: str) -> None:
    for seed in range(3):
        photo = render_parcel_photo(text, np.random.default_rng(seed), difficulty)
        w, h = photo.image.size
        assert photo.image.mode == "RGB" and (w, h) == (640, 480)
        label, addr = photo.boxes
        assert (label.cls, addr.cls) == ("label", "address_block")
        assert _inside(label, Box("image", 0, 0, w, h))
        assert _inside(addr, label)
        assert (addr.x1 - addr.x0) * (addr.y1 - addr.y0) > 0.05 * w * h


def test_same_generator_state_gives_same_pixels() -> None:
    a = render_parcel_photo(ZH, np.random.default_rng(7))
    b = render_parcel_photo(ZH, np.random.default_rng(7))
    c = render_parcel_photo(ZH, np.random.default_rng(8))
    assert a.image.tobytes() == b.image.tobytes() and a.boxes == b.boxes
    assert a.image.tobytes() != c.image.tobytes()


def test_yolo_lines_are_normalised_boxes() -> None:
    photo = render_parcel_photo(EN, np.random.default_rng(1))
    rows = [line.split() for line in yolo_lines(photo).splitlines()]
    assert [r[0] for r in rows] == ["0", "1"]
    for r in rows:
        cx, cy, bw, bh = map(float, r[1:])
        assert 0 < bw <= 1 and 0 < bh <= 1
        assert 0 <= cx - bw / 2 + 1e-6 and cx + bw / 2 <= 1 + 1e-6
        assert 0 <= cy - bh / 2 + 1e-6 and cy + bh / 2 <= 1 + 1e-6


def test_tape_never_covers_the_address_at_default() -> None:
    _, addr = render_label(ZH, np.random.default_rng(0))
    rng = np.random.default_rng(0)
    for _ in range(300):
        band = _tape_band(500, addr, _DIFFICULTY["default"], rng)
        assert band is None or band[1] <= addr.y0 or band[0] >= addr.y1


def _ocr(path: Path, lang: str) -> str:
    out = subprocess.run(["tesseract", str(path), "-", "-l", lang, "--psm", "6"],
                         check=True, capture_output=True, text=True).stdout
    return "".join(out.split())


@pytest.mark.integration
@pytest.mark.parametrize("text,lang", [(ZH, "chi_sim"), (EN, "eng")], ids=["zh", "en"])
def test_tesseract_reads_the_address_block_of_an_easy_photo(text: LabelText, lang: str, tmp_path: Path) -> None:
    photo = render_parcel_photo(text, np.random.default_rng(0), "easy")
    b = photo.boxes[1]
    crop = photo.image.crop((int(b.x0), int(b.y0), int(b.x1), int(b.y1)))
    crop = crop.resize((crop.width * 2, crop.height * 2))
    crop.save(tmp_path / "addr.png")
    read = _ocr(tmp_path / "addr.png", lang)
    assert fuzz.partial_ratio("".join(text.recipient_address.split()), read) >= 75, read
