"""Photo bytes → RGB array, with every way a photo can be bad turned into a BadPhotoError."""

from __future__ import annotations

import io
import sys
import warnings
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError

from vision.errors import BadPhotoError

DEFAULT_MAX_PIXELS = 40_000_000  # ~ a 48 MP phone photo is refused; a decompression bomb never gets decoded


def _pillow_open() -> Any:
    """Pillow's own Image.open. Importing ultralytics replaces it with a wrapper that, on a file Pillow
    cannot identify, tries to install and import pi-heif instead of raising UnidentifiedImageError."""
    patches = sys.modules.get("ultralytics.utils.patches")
    return getattr(patches, "_image_open", Image.open)


def decode_photo(data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """HxWx3 uint8 RGB. The pixel count is checked from the header before anything is decoded."""
    if not data:
        raise BadPhotoError("empty_file", "the photo file has zero bytes")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = _pillow_open()(io.BytesIO(data))
            w, h = img.size
            if w * h > max_pixels:
                raise BadPhotoError("too_many_pixels", f"{w}x{h} = {w * h} pixels > cap {max_pixels}")
            img.load()
    except BadPhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise BadPhotoError("too_many_pixels", str(e)) from e
    except UnidentifiedImageError as e:
        raise BadPhotoError("not_an_image", "not a format Pillow can read") from e
    except (OSError, SyntaxError, ValueError) as e:  # Pillow's "image file is truncated" / broken data
        raise BadPhotoError("truncated", f"image data is incomplete or corrupt: {e}") from e
    if w < 32 or h < 32:
        raise BadPhotoError("not_an_image", f"{w}x{h} is too small to hold a label")
    return np.asarray(img.convert("RGB"))
