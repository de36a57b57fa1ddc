"""Private by default: what the riskgraph command writes is owner-only; the notebook token is not on argv."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from riskgraph.commands.notebooks import jupyter_launch
from tests.ingest.conftest import ACCOUNTS, CALLS, ORDERS, RETURNS

ROOT = Path(__file__).resolve().parents[2]


def test_ingest_writes_owner_only_files(tmp_path: Path) -> None:
    day = tmp_path / "2026-11-26"
    day.mkdir()
    (day / "accounts.csv").write_text(ACCOUNTS)
    (day / "orders.csv").write_bytes(ORDERS)
    (day / "returns.csv").write_text(RETURNS)
    (day / "calls.csv").write_text(CALLS)
    work = tmp_path / "work" / "2026-11-26"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RISKGRAPH_VAR_DIR": str(tmp_path / "var")}
    proc = subprocess.run([sys.executable, "-m", "riskgraph", "ingest", "orders", str(day), "--out", str(work)],
                          cwd=tmp_path, env=env, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    written = [tmp_path / "work", *(tmp_path / "work").rglob("*")]
    assert any(p.name == "orders.parquet" for p in written) and any(p.name == "ingest.parquet" for p in written)
    shared = [f"{p.name} {stat.filemode(p.stat().st_mode)}" for p in written if p.stat().st_mode & 0o077]
    assert shared == []


def test_the_notebook_token_travels_in_the_environment_and_jupyter_stays_under_var(tmp_path: Path) -> None:
    launch = jupyter_launch(tmp_path / "var", 8888, "s3cret-token", {"HOME": "/home/x"})
    assert not any("s3cret-token" in a for a in launch.args)
    assert launch.env["JUPYTER_TOKEN"] == "s3cret-token"
    for key in ("JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "IPYTHONDIR"):
        folder = Path(launch.env[key])
        assert folder.is_relative_to(tmp_path / "var" / "jupyter") and folder.is_dir()
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
