"""atomic_write: readers see the old complete file or the new one, never a half-written one."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.atomic import atomic_write


def test_replaces_on_success_and_keeps_the_old_file_on_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "out.bin"
    with atomic_write(path) as f:
        f.write(b"first")
    assert path.read_bytes() == b"first"
    with pytest.raises(RuntimeError), atomic_write(path) as f:
        f.write(b"half")
        raise RuntimeError("crash mid-write")
    assert path.read_bytes() == b"first"
    assert [p.name for p in path.parent.iterdir()] == ["out.bin"]  # no temporary left behind
