"""`riskgraph simulate` end to end through the CLI (no media, small world)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from riskgraph.cli import app


def test_simulate_writes_inputs_and_truth(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path), "--date", "2026-11-27", "--accounts", "300",
                                      "--rings", "3", "--seed", "5", "--media-fraction", "0"])
    assert result.exit_code == 0, result.output
    day, truth = tmp_path / "2026-11-27", tmp_path / "truth" / "2026-11-27"
    for name in ("accounts.csv", "orders.csv", "returns.csv", "calls.csv", "reference/labels.csv",
                 "reference/fraud_addresses.csv"):
        assert (day / name).read_text(encoding="utf-8").count("\n") > 1, name
    assert list((day / "clicks").glob("part-*.jsonl"))
    assert (truth / "rings.csv").read_text().count("\n") > 3
    assert not list(tmp_path.rglob("*.tmp"))


def test_simulate_rejects_a_bad_difficulty(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path), "--date", "2026-11-27",
                                      "--difficulty", "nightmare"])
    assert result.exit_code != 0
    assert "difficulty" in str(result.exception) + result.output
