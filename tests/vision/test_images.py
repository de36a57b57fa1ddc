"""Every way a photo file can be bad becomes a BadPhotoError with a stable reason."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from vision.errors import BadPhotoError
from vision.images import decode_photo


def _jpeg(size: tuple[int, int] = (200, 150)) -> bytes:
    buf = io.BytesIO()
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)).save(buf, "JPEG")
    return buf.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height but holds almost no data: a decompression bomb's shape."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b"")


def test_good_photo_decodes_to_rgb() -> None:
    rgb = decode_photo(_jpeg())
    assert rgb.shape == (150, 200, 3) and rgb.dtype == np.uint8


@pytest.mark.parametrize("data,reason", [
    (b"", "empty_file"),
    (b"this is a text file, not a photo\n" * 10, "not_an_image"),
    (_jpeg()[:600], "truncated"),
    (_png_header_only(100_000, 100_000), "too_many_pixels"),  # Pillow's own bomb limit
    (_png_header_only(8_000, 6_000), "too_many_pixels"),  # over our cap, under Pillow's
])
def test_bad_photos_are_named(data: bytes, reason: str) -> None:
    with pytest.raises(BadPhotoError) as e:
        decode_photo(data, max_pixels=40_000_000)
    assert e.value.reason == reason


def test_pixel_cap_is_checked_before_decoding() -> None:
    with pytest.raises(BadPhotoError) as e:
        decode_photo(_jpeg((400, 300)), max_pixels=100_000)
    assert e.value.reason == "too_many_pixels" and "120000" in e.value.detail


def test_not_an_image_after_ultralytics_patched_pillow() -> None:
    import ultralytics.utils.patches  # noqa: F401  (replaces PIL.Image.open)

    with pytest.raises(BadPhotoError) as e:
        decode_photo(b"not a photo at all" * 20)
    assert e.value.reason == "not_an_image"
