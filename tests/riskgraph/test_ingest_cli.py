"""`riskgraph ingest` through the CLI on a small simulated day (no media)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from ingest.errors import InputError
from riskgraph.cli import app


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sim")
    result = CliRunner().invoke(app, ["simulate", "--out", str(out), "--date", "2026-11-27", "--accounts", "300",
                                      "--rings", "3", "--seed", "5", "--media-fraction", "0"])
    assert result.exit_code == 0, result.output
    return out / "2026-11-27"


def test_ingest_all_writes_every_output(day: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["ingest", "all", str(day), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for stem in ("accounts", "orders", "returns", "calls_meta", "labels", "fraud_addresses", "flows", "sessions", "fingerprints",
                 "similar_pairs", "quarantine/ingest"):
        assert (tmp_path / f"{stem}.parquet").exists(), stem
    orders = pl.read_csv(day / "orders.csv", infer_schema=False).height
    assert pl.read_parquet(tmp_path / "orders.parquet").height == orders
    assert "ingest clicks" in result.output and "similar_pairs.parquet" in result.output


def test_missing_column_is_one_clear_error(day: Path, tmp_path: Path) -> None:
    broken = tmp_path / "day"
    broken.mkdir()
    for name in ("accounts.csv", "returns.csv", "calls.csv"):
        (broken / name).write_bytes((day / name).read_bytes())
    text = (day / "orders.csv").read_text(encoding="utf-8").replace("seller_id", "shop_id", 1)
    (broken / "orders.csv").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", "orders", str(broken), "--out", str(tmp_path / "work")])
    assert result.exit_code != 0
    assert isinstance(result.exception, InputError)
    assert "orders.csv" in str(result.exception) and "'seller_id'" in str(result.exception)
    assert not (tmp_path / "work" / "orders.parquet").exists()
