"""Same seed and arguments -> byte-identical CSV/JSONL; the world is shared across days."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from simulate import simulate_day
from simulate.build import build_world
from simulate.rings import MODALITIES
from tests.simulate.conftest import small_config

TEXT_SUFFIXES = {".csv", ".jsonl", ".txt"}


def _texts(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.suffix in TEXT_SUFFIXES}


def test_same_config_gives_byte_identical_text_files(tmp_path: Path) -> None:
    cfg = small_config(accounts=300, rings=4, media_fraction=0.05)
    simulate_day(cfg, tmp_path / "a")
    simulate_day(cfg, tmp_path / "b")
    a, b = _texts(tmp_path / "a"), _texts(tmp_path / "b")
    assert a and a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []
    simulate_day(small_config(accounts=300, rings=4, media_fraction=0.05, seed=99), tmp_path / "c")
    c = _texts(tmp_path / "c")
    assert c["2026-11-27/orders.csv"] != a["2026-11-27/orders.csv"]


def test_photos_and_wav_recordings_are_byte_identical_too(tmp_path: Path) -> None:
    cfg = small_config(accounts=300, rings=4, media_fraction=0.2)
    simulate_day(cfg, tmp_path / "a")
    simulate_day(cfg, tmp_path / "b")
    photos = sorted((tmp_path / "a").rglob("*.jpg"))
    wavs = sorted((tmp_path / "a").rglob("*.wav"))
    assert photos and wavs
    for p in photos + wavs:
        assert p.read_bytes() == (tmp_path / "b" / p.relative_to(tmp_path / "a")).read_bytes()


def test_two_days_share_the_world_but_not_the_activity(tmp_path: Path) -> None:
    cfg = small_config(accounts=300, rings=4, media_fraction=0.0)
    d1, d2 = cfg.date, cfg.date + dt.timedelta(days=1)
    simulate_day(cfg, tmp_path)
    simulate_day(small_config(accounts=300, rings=4, media_fraction=0.0, date=d2), tmp_path)
    for name in ("accounts.csv", "reference/labels.csv"):
        assert (tmp_path / str(d1) / name).read_bytes() == (tmp_path / str(d2) / name).read_bytes()
    assert (tmp_path / "truth" / str(d1) / "rings.csv").read_bytes() == \
        (tmp_path / "truth" / str(d2) / "rings.csv").read_bytes()
    o1 = pl.read_csv(tmp_path / str(d1) / "orders.csv", infer_schema=False)
    o2 = pl.read_csv(tmp_path / str(d2) / "orders.csv", infer_schema=False)
    assert not set(o1["order_id"]) & set(o2["order_id"])
    assert o2["created_at"].str.starts_with(str(d2)).all()


def test_an_early_day_sees_only_accounts_created_by_then(tmp_path: Path) -> None:
    early = dt.date(2025, 1, 1)
    summary = simulate_day(small_config(accounts=300, rings=4, media_fraction=0.0, date=early), tmp_path)
    acc = pl.read_csv(summary.day_dir / "accounts.csv", infer_schema=False)
    assert 0 < acc.height < 300
    assert (acc["created_at"] < "2025-01-02").all()
    members = pl.read_csv(summary.truth_dir / "rings.csv", infer_schema=False)
    assert set(members["account_id"]) <= set(acc["account_id"])


def test_difficulty_controls_modalities() -> None:
    easy = build_world(small_config(accounts=600, rings=6, difficulty="easy"))
    hard = build_world(small_config(accounts=600, rings=6, difficulty="hard"))
    for ring in easy.rings:
        assert ring.modalities == frozenset(MODALITIES[ring.kind]) and ring.participation == 1.0
        assert all(kind == "formatting" for d in ring.drops for _, kind in d.variants)
    for ring in hard.rings:
        assert len(ring.modalities) == 2 and ring.modalities <= set(MODALITIES[ring.kind])
        if ring.kind == "brushing_loop":
            assert "order_cycle" in ring.modalities
