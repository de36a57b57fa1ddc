"""One small simulated day shared by the structure tests (built once per session)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from simulate import DaySummary, SimConfig, simulate_day

DATE = dt.date(2026, 11, 27)


def small_config(**kw: object) -> SimConfig:
    base: dict[str, object] = {"date": DATE, "accounts": 500, "rings": 6, "seed": 11, "media_fraction": 0.2,
                               "workers": 2}
    base.update(kw)
    return SimConfig(**base)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def small_day(tmp_path_factory: pytest.TempPathFactory) -> DaySummary:
    return simulate_day(small_config(), tmp_path_factory.mktemp("sim"))


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")
