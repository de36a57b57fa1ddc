"""The ring designs the ring search was not shaped on show only the ties they are meant to show.

Plan-level checks (no media): a photo_only gang shares no device or IP, a mosaic's
neighbouring pairs share one thing each, a cash_star's money flows one way into the
organiser's shop; and asking for no designs leaves the world exactly as before.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from simulate import SimConfig, simulate_day
from simulate.build import build_world
from simulate.errors import SimulateError
from tests.simulate.conftest import small_config

DESIGNS = ("mosaic", "photo_only", "cash_star", "call_only")


@pytest.fixture(scope="module")
def designed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("designs")
    simulate_day(small_config(accounts=800, rings=9, media_fraction=0.0, designs=DESIGNS), out)
    return out


def _evidence(out: Path) -> list[dict[str, object]]:
    lines = (out / "truth" / "2026-11-27" / "evidence.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(x) for x in lines]


def _csv(out: Path, name: str) -> pl.DataFrame:
    return pl.read_csv(out / "2026-11-27" / name, infer_schema_length=0)


def test_every_design_is_planted_with_its_kind(designed: Path) -> None:
    rows = _evidence(designed)
    assert {str(r["design"]) for r in rows} >= set(DESIGNS)
    kinds = {str(r["design"]): str(r["kind"]) for r in rows}
    assert kinds["mosaic"] == "coupon_abuse" and kinds["cash_star"] == "brushing_loop"
    assert kinds["photo_only"] == kinds["call_only"] == "return_fraud"


def test_photo_only_and_cash_star_members_share_no_device_or_ip(designed: Path) -> None:
    orders = _csv(designed, "orders.csv")
    accounts = _csv(designed, "accounts.csv")
    for r in _evidence(designed):
        if r["design"] not in ("photo_only", "cash_star"):
            continue
        members = [str(m) for m in r["members"]]  # type: ignore[attr-defined]
        mine = orders.filter(pl.col("account_id").is_in(members) & (pl.col("seller_id") != "x"))
        for col in ("device_id", "ip"):
            users = mine.group_by(col).agg(pl.col("account_id").n_unique().alias("k"))
            assert users["k"].max() == 1, f"{r['design']} shares a {col}"
        reg = accounts.filter(pl.col("account_id").is_in(members))
        assert reg["register_device"].n_unique() == reg.height


def test_cash_star_pays_the_organiser_and_nobody_pays_back(designed: Path) -> None:
    orders = _csv(designed, "orders.csv")
    stars = [r for r in _evidence(designed) if r["design"] == "cash_star"]
    assert stars
    for r in stars:
        members = [str(m) for m in r["members"]]  # type: ignore[attr-defined]
        loop = orders.filter(pl.col("order_id").is_in([str(o) for o in r["loop_order_ids"]]))  # type: ignore[attr-defined]
        assert loop.height >= len(members) - 2
        assert loop["seller_id"].unique().to_list() == [members[0]]
        assert members[0] not in loop["account_id"].to_list()


def test_mosaic_pairs_each_share_one_thing_in_rotating_modalities(designed: Path) -> None:
    mosaics = [r for r in _evidence(designed) if r["design"] == "mosaic"]
    assert mosaics
    for r in mosaics:
        links = r["links"]
        assert isinstance(links, list) and len(links) == len(r["members"]) - 1  # type: ignore[arg-type]
        ties = Counter(str(x["tie"]) for x in links)
        assert set(ties) == {"device", "ip", "address", "phone"} or len(links) < 4
        assert len({str(x["value"]) for x in links}) == len(links)  # every tie is a different thing
        assert "co_timed_coupon" not in r["modalities"] and "scripted_clicks" not in r["modalities"]  # type: ignore[operator]


def test_no_designs_keeps_the_classic_world() -> None:
    classic = build_world(small_config())
    same = build_world(small_config(designs=()))
    assert [r.kind for r in classic.rings] == [r.kind for r in same.rings]
    assert classic.ring_members.equals(same.ring_members)
    assert all(r.design == "" for r in classic.rings)
    designed = build_world(small_config(designs=("photo_only",)))
    assert {r.design for r in designed.rings[1:]} == {"photo_only"}  # the 37-loop stays first
    assert designed.rings[0].kind == "brushing_loop" and len(designed.rings[0].members) == 37


def test_unknown_design_is_rejected() -> None:
    with pytest.raises(SimulateError, match="unknown ring design"):
        SimConfig(date=small_config().date, designs=("pyramid",))
