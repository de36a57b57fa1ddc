"""The written day: structure of rings, look-alikes, labels, media and truth against inputs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import networkx as nx
import polars as pl
from PIL import Image

from ingest.normalize import address_key, normalize_phone
from simulate import DaySummary, simulate_day
from simulate.build import build_world
from simulate.day import plan_day
from simulate.lookalikes import LOOKALIKE_KINDS
from simulate.rings import BIG_LOOP
from tests.simulate.conftest import small_config


def _csv(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def _jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_contract_columns_and_ids(small_day: DaySummary) -> None:
    d = small_day.day_dir
    accounts, orders = _csv(d / "accounts.csv"), _csv(d / "orders.csv")
    assert accounts.columns == ["account_id", "created_at", "phone", "register_ip", "register_device"]
    assert orders.columns == ["order_id", "account_id", "seller_id", "amount", "coupon_id", "ship_address",
                              "ship_phone", "device_id", "ip", "created_at"]
    assert accounts["account_id"].str.contains(r"^U\d{8}$").all()
    assert orders["order_id"].str.contains(r"^\d{10}$").all() and orders["order_id"].is_unique().all()
    assert _csv(d / "returns.csv")["return_id"].str.contains(r"^R\d{9}$").all()
    assert _csv(d / "calls.csv")["call_id"].str.contains(r"^C\d{9}$").all()
    assert orders["created_at"].str.contains(r"^2026-11-27T\d\d:\d\d:\d\d\+08:00$").all()
    known = set(accounts["account_id"])
    assert set(orders["account_id"]) <= known and set(orders["seller_id"]) <= known
    assert (orders["account_id"] != orders["seller_id"]).all()
    for phone in [*accounts["phone"], *orders["ship_phone"]]:
        assert normalize_phone(phone) is not None, phone
    event = json.loads((d / "clicks" / "part-00000.jsonl").read_text().splitlines()[0])
    assert list(event) == ["account_id", "session_id", "device_id", "ip", "user_agent", "ts", "event", "page",
                           "dwell_ms"]


def test_brushing_rings_are_closed_cycles(small_day: DaySummary) -> None:
    _assert_cycles(small_day)
    evidence = [e for e in _jsonl(small_day.truth_dir / "evidence.jsonl") if e["kind"] == "brushing_loop"]
    assert any(len(e["members"]) == BIG_LOOP for e in evidence)  # type: ignore[arg-type]


def test_brushing_rings_are_closed_cycles_at_hard_too(tmp_path: Path) -> None:
    _assert_cycles(simulate_day(small_config(difficulty="hard", media_fraction=0.0), tmp_path))


def _assert_cycles(day: DaySummary) -> None:
    orders = _csv(day.day_dir / "orders.csv")
    rings = _csv(day.truth_dir / "rings.csv")
    evidence = [e for e in _jsonl(day.truth_dir / "evidence.jsonl") if e["kind"] == "brushing_loop"]
    assert evidence
    for e in evidence:
        loop = orders.filter(pl.col("order_id").is_in(e["loop_order_ids"]))  # type: ignore[arg-type]
        assert loop.height == len(e["loop_order_ids"])  # type: ignore[arg-type]
        g = nx.DiGraph(list(zip(loop["account_id"], loop["seller_id"], strict=True)))
        members = set(rings.filter(pl.col("ring_id") == e["ring_id"])["account_id"])
        assert set(g.nodes) == members
        assert all(g.out_degree(n) == 1 and g.in_degree(n) == 1 for n in g.nodes)
        assert nx.is_strongly_connected(g)  # one cycle through every member


def test_every_lookalike_kind_exists_and_is_disjoint_from_rings(small_day: DaySummary) -> None:
    look = _csv(small_day.truth_dir / "lookalikes.csv")
    assert set(look["kind"]) == set(LOOKALIKE_KINDS)
    rings = _csv(small_day.truth_dir / "rings.csv")
    assert not set(look["account_id"]) & set(rings["account_id"])
    orders = _csv(small_day.day_dir / "orders.csv")
    nat = look.filter(pl.col("kind") == "campus_nat")
    assert nat.height >= 15
    lockers = look.filter(pl.col("kind") == "parcel_locker")["account_id"]
    assert orders.filter(pl.col("account_id").is_in(lockers.to_list()))["ship_address"].n_unique() < lockers.len()


def test_labels_fraction_and_noise_as_configured() -> None:
    for fraction, noise in ((0.05, 0.05), (0.2, 0.1)):
        built = build_world(small_config(accounts=2000, rings=8, label_fraction=fraction, label_noise=noise))
        members = set(built.ring_members["account_id"])
        labels = built.labels
        fraud_ok = labels.filter((pl.col("label") == "fraud") & pl.col("account_id").is_in(members)).height
        assert fraud_ok == max(1, round(fraction * len(members)))
        wrong = labels.filter((pl.col("label") == "fraud") != pl.col("account_id").is_in(members)).height
        assert abs(wrong / labels.height - noise) < 0.02
        assert labels["account_id"].is_unique().all()


def test_media_decode_and_yolo_boxes_exist(small_day: DaySummary) -> None:
    d, t = small_day.day_dir, small_day.truth_dir
    returns = _csv(d / "returns.csv").filter(pl.col("photo") != "")
    calls = _csv(d / "calls.csv").filter(pl.col("audio") != "")
    assert returns.height == small_day.photos > 0 and calls.height == small_day.recordings > 0
    for rel, rid in zip(returns["photo"], returns["return_id"], strict=True):
        with Image.open(d / rel) as im:
            im.verify()
        rows = (t / "labels_yolo" / f"{rid}.txt").read_text().splitlines()
        assert [r.split()[0] for r in rows] == ["0", "1"]
    for rel in calls["audio"]:
        out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                              str(d / rel)], check=True, capture_output=True, text=True).stdout
        assert float(out) > 1.0
    assert small_day.quarantined == 0


def test_truth_is_consistent_with_inputs(small_day: DaySummary) -> None:
    d, t = small_day.day_dir, small_day.truth_dir
    orders, returns, calls = _csv(d / "orders.csv"), _csv(d / "returns.csv"), _csv(d / "calls.csv")
    rings = _csv(t / "rings.csv")
    assert set(rings["account_id"]) <= set(_csv(d / "accounts.csv")["account_id"])
    ship = set(orders["ship_address"])
    for e in _jsonl(t / "evidence.jsonl"):
        members = set(rings.filter(pl.col("ring_id") == e["ring_id"])["account_id"])
        mine = orders.filter(pl.col("order_id").is_in(e["order_ids"]))  # type: ignore[arg-type]
        assert mine.height == len(e["order_ids"]) and set(mine["account_id"]) <= members  # type: ignore[arg-type]
        assert set(e["return_ids"]) <= set(returns["return_id"])  # type: ignore[arg-type]
        assert set(e["call_ids"]) <= set(calls["call_id"])  # type: ignore[arg-type]
        for drop in e["drop_addresses"]:  # type: ignore[attr-defined]
            key = address_key(drop["canonical"])
            for v in drop["variants"]:
                assert (address_key(v["text"]) == key) == (v["kind"] == "formatting"), v
                if e["kind"] == "return_fraud":
                    assert v["text"] not in ship  # drop addresses of return fraud are only on photos
        if e["kind"] == "coupon_abuse":
            assert set(mine["coupon_id"]) <= set(e["coupon_ids"])  # type: ignore[arg-type]
    labels = {r["return_id"]: r for r in _jsonl(t / "label_text.jsonl")}
    assert set(labels) == set(returns.filter(pl.col("photo") != "")["return_id"])
    spoken = _jsonl(t / "call_text.jsonl")
    assert sorted(str(c["call_id"]) for c in spoken) == sorted(calls["call_id"])
    for c in spoken:
        assert set(c["order_ids"]) <= set(orders["order_id"])  # type: ignore[arg-type]
        assert all(str(o) in str(c["text"]) for o in c["order_ids"])  # type: ignore[attr-defined]


def test_order_rate_scale_makes_a_busier_day_of_the_same_world() -> None:
    """The scale multiplies ordinary shopping only: same accounts and rings, more benign orders."""
    base_cfg = small_config(accounts=2000, media_fraction=0.0)
    built = build_world(base_cfg)
    base = plan_day(base_cfg, built)
    same = plan_day(small_config(accounts=2000, media_fraction=0.0, order_rate_scale=1.0), built)
    busy = plan_day(small_config(accounts=2000, media_fraction=0.0, order_rate_scale=4.0), built)
    assert base.orders.equals(same.orders)
    benign = [d.orders.filter(pl.col("ring_id") == "").height for d in (base, busy)]
    assert 3.5 * benign[0] < benign[1] < 4.5 * benign[0]
    assert busy.accounts["account_id"].equals(base.accounts["account_id"])
    assert set(busy.orders.filter(pl.col("ring_id") != "")["ring_id"]) == set(
        base.orders.filter(pl.col("ring_id") != "")["ring_id"])


def test_longer_order_ids_make_room_for_a_bigger_day() -> None:
    cfg = small_config(accounts=600, media_fraction=0.0, order_id_digits=12)
    day = plan_day(cfg, build_world(cfg))
    assert day.orders["order_id"].str.contains(r"^\d{12}$").all()
    assert day.returns["return_id"].str.contains(r"^R\d{11}$").all()
    assert day.calls["call_id"].str.contains(r"^C\d{11}$").all()
