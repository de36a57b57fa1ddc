"""A simulated day thinned to a share of its accounts (the scale benchmark's nightly delta) keeps
whole accounts, the same ones in every file, and stays a day ingest reads without quarantine."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from ingest import ingest_clicks, ingest_orders
from simulate import DaySummary
from testing.day_sample import keeps, sample_day


@pytest.fixture()
def thinned(small_day: DaySummary, tmp_path: Path) -> tuple[Path, Path]:
    day = tmp_path / small_day.day_dir.name
    shutil.copytree(small_day.day_dir, day)
    return small_day.day_dir, day


def _owners(day: Path) -> dict[str, set[str]]:
    out = {name: {a for a in pl.read_csv(day / name, infer_schema=False)["account_id"].drop_nulls() if a}
           for name in ("accounts.csv", "orders.csv", "returns.csv", "calls.csv")}
    out["clicks"] = {json.loads(line)["account_id"] for p in (day / "clicks").glob("*.jsonl")
                     for line in p.read_text(encoding="utf-8").splitlines()}
    return out


def test_the_sample_keeps_every_row_of_the_kept_accounts_and_nothing_else(thinned: tuple[Path, Path]) -> None:
    full, day = thinned
    sample = sample_day(day, 0.3, seed=5)
    before, after = _owners(full), _owners(day)
    for name in before:
        assert after[name] == {a for a in before[name] if keeps(a, 0.3, 5)}, name
    assert 0.2 < sample.kept["accounts.csv"] / sample.total["accounts.csv"] < 0.4
    assert sample.kept["orders.csv"] == pl.read_csv(day / "orders.csv", infer_schema=False).height
    orders = set(pl.read_csv(day / "orders.csv", infer_schema=False)["order_id"])
    returns = pl.read_csv(day / "returns.csv", infer_schema=False)
    assert set(returns["order_id"]) <= orders  # a kept return's order is kept: same buyer
    photos = {p for p in returns["photo"].drop_nulls() if p}
    assert {str(p.relative_to(day)) for p in (day / "parcels").glob("*")} == photos


def test_the_thinned_day_ingests_without_quarantine(thinned: tuple[Path, Path], tmp_path: Path) -> None:
    _, day = thinned
    sample = sample_day(day, 0.1)
    orders = ingest_orders(day, tmp_path / "work")
    clicks = ingest_clicks(day, tmp_path / "work")
    assert orders.quarantined == 0 and clicks.quarantined == 0
    assert orders.rows["orders"] == sample.kept["orders.csv"] > 0


def test_a_fraction_outside_the_unit_interval_is_refused(thinned: tuple[Path, Path]) -> None:
    with pytest.raises(ValueError, match="fraction"):
        sample_day(thinned[1], 0.0)
