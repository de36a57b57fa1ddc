"""configure_offline: ultralytics' fonts are placed from installed ones, and kept if present."""

from __future__ import annotations

from pathlib import Path

from riskgraph.offline import place_ultralytics_fonts


def test_fonts_are_copied_once(tmp_path: Path) -> None:
    place_ultralytics_fonts(tmp_path)
    arial = tmp_path / "Arial.ttf"
    assert arial.read_bytes()[:4] in (b"\x00\x01\x00\x00", b"true", b"OTTO")  # a real TrueType/OpenType file
    assert (tmp_path / "Arial.Unicode.ttf").stat().st_size > 1_000_000  # the CJK face, not a stub
    arial.write_bytes(b"user font")
    place_ultralytics_fonts(tmp_path)
    assert arial.read_bytes() == b"user font"
