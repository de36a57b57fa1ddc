"""`riskgraph asr ...` wiring: settings -> AsrConfig -> job; convert writes a loadable checkpoint."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import torch
from typer.testing import CliRunner

from riskgraph.cli import app


def test_transcribe_quarantines_a_day_of_bad_audio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RISKGRAPH_VAR_DIR", str(tmp_path / "var"))
    day = tmp_path / "day"
    day.mkdir()
    (day / "empty.wav").write_bytes(b"")
    (day / "calls.csv").write_text("call_id,caller_phone,account_id,audio,started_at\n"
                                   "c1,13812345678,,empty.wav,2026-11-26T10:00:00+08:00\n")
    result = CliRunner().invoke(app, ["asr", "transcribe", str(day), "--out", str(tmp_path / "work")])
    assert result.exit_code == 0, result.output
    assert "1 quarantined" in result.output
    q = pl.read_parquet(tmp_path / "work" / "quarantine" / "asr.parquet")
    assert q.to_dicts()[0]["reason"] == "zero_bytes"
    assert pl.read_parquet(tmp_path / "work" / "transcripts.parquet").height == 0


@pytest.mark.integration
def test_convert_command(tmp_path: Path) -> None:
    from asr.models import english_model_dir

    dst = tmp_path / "tiny.en.pt"
    result = CliRunner().invoke(app, ["asr", "convert", str(english_model_dir()), str(dst)])
    assert result.exit_code == 0, result.output
    assert torch.load(dst, weights_only=True)["dims"]["n_audio_state"] == 384
