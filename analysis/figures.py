"""Writing matplotlib figures: fixed pixel sizes (tests check them), atomic writes, no display."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; the notebook shows the PNG it wrote
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ingest.atomic import atomic_write  # noqa: E402

DPI = 100
# CJK text (addresses, OCR lines, names) needs a CJK font. Noto Sans CJK (fonts-noto-cjk) covers
# Latin too and goes first: networkx asks for the generic "sans-serif", which takes only the first
# installed font of this list (no per-glyph fallback), so DejaVu first would draw CJK as boxes.
matplotlib.rcParams["font.family"] = "sans-serif"
matplotlib.rcParams["font.sans-serif"] = ["Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans"]


def new_figure(width_px: int, height_px: int, ncols: int = 1, nrows: int = 1) -> tuple[Figure, list]:
    """A figure of exactly width_px × height_px once saved by `save` (no tight bbox cropping)."""
    fig, axes = plt.subplots(nrows, ncols, figsize=(width_px / DPI, height_px / DPI), dpi=DPI, squeeze=False)
    return fig, [ax for row in axes for ax in row]


def save(fig: Figure, path: Path) -> Path:
    """Write `fig` to `path` (PNG) via a temp file and os.replace; closes the figure."""
    with atomic_write(path) as fh:
        fig.savefig(fh, dpi=DPI, format="png")
    plt.close(fig)
    return path


def write_text(path: Path, text: str) -> Path:
    """Write text atomically (HTML graphs)."""
    with atomic_write(path) as fh:
        fh.write(text.encode("utf-8"))
    return path
