"""Write a planned day: the input contract under DIR/D/ and the answers under DIR/truth/D/.

Every file is written to a temporary name and renamed, so a crash never leaves a half file.
Rows are sorted by stable keys, so equal configs give byte-identical CSV and JSONL.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import polars as pl

from simulate.build import BuiltWorld
from simulate.clicks import click_parts
from simulate.day import Day
from simulate.ids import e164, iso_expr, phone_written_expr

CONTRACT_COLUMNS = {
    "accounts.csv": ("account_id", "created_at", "phone", "register_ip", "register_device"),
    "orders.csv": ("order_id", "account_id", "seller_id", "amount", "coupon_id", "ship_address", "ship_phone",
                   "device_id", "ip", "created_at"),
    "returns.csv": ("return_id", "order_id", "account_id", "reason", "photo", "created_at"),
    "calls.csv": ("call_id", "caller_phone", "account_id", "audio", "started_at"),
}


def atomic(path: Path, write: Callable[[Path], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    write(tmp)
    os.replace(tmp, path)


def _csv(path: Path, frame: pl.DataFrame, float_precision: int | None = None) -> None:
    atomic(path, lambda p: frame.write_csv(p, float_precision=float_precision))


def _jsonl(path: Path, rows: Iterable[dict[str, object]]) -> None:
    def write(p: Path) -> None:
        with p.open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    atomic(path, write)


def write_inputs(day: Day, built: BuiltWorld, day_dir: Path, rng: np.random.Generator) -> int:
    """The input contract; returns the number of click events written."""
    acc = day.accounts.sort("account_id")
    _csv(day_dir / "accounts.csv", acc.with_columns(
        created_at=iso_expr("created"), phone=phone_written_expr("phone", pl.col("phone_style"))
    ).select(CONTRACT_COLUMNS["accounts.csv"]))
    _csv(day_dir / "orders.csv", day.orders.sort("ts", "order_id").with_columns(created_at=iso_expr("ts"))
         .select(CONTRACT_COLUMNS["orders.csv"]), float_precision=2)
    _csv(day_dir / "returns.csv", day.returns.sort("ts", "return_id").with_columns(created_at=iso_expr("ts"))
         .select(CONTRACT_COLUMNS["returns.csv"]))
    calls = day.calls.with_columns(style=pl.Series(rng.integers(0, 4, day.calls.height)))
    _csv(day_dir / "calls.csv", calls.sort("ts", "call_id").with_columns(
        started_at=iso_expr("ts"), caller_phone=phone_written_expr("caller_phone", pl.col("style")))
         .select(CONTRACT_COLUMNS["calls.csv"]))
    clicks_dir = day_dir / "clicks"
    clicks_dir.mkdir(parents=True, exist_ok=True)
    for old in clicks_dir.glob("part-*.jsonl"):
        old.unlink()
    events = 0
    ids = built.world.accounts["account_id"].to_numpy().astype(str)
    for i, part in enumerate(click_parts(day.sessions, ids, rng)):
        atomic(clicks_dir / f"part-{i:05d}.jsonl", part.write_ndjson)
        events += part.height
    alive = set(day.accounts["account_id"].to_list())
    ref = day_dir / "reference"
    _csv(ref / "labels.csv", built.labels.filter(pl.col("account_id").is_in(alive))
         .select("account_id", "label", "source"))
    _csv(ref / "fraud_addresses.csv", built.fraud_addresses)
    return events


def write_truth(day: Day, built: BuiltWorld, truth_dir: Path, difficulty: str) -> None:
    alive = set(day.accounts["account_id"].to_list())
    members = built.ring_members.filter(pl.col("account_id").is_in(alive))
    _csv(truth_dir / "rings.csv", members.select("ring_id", "kind", "account_id", "role"))
    _csv(truth_dir / "lookalikes.csv", built.world.lookalikes.filter(pl.col("account_id").is_in(alive))
         .select("group_id", "kind", "account_id"))
    _jsonl(truth_dir / "evidence.jsonl", _evidence(day, built, members, difficulty))
    _jsonl(truth_dir / "label_text.jsonl", ({
        "return_id": p.return_id, "language": p.text.language, "photo": f"parcels/{p.return_id}.jpg",
        "recipient_name": p.text.recipient_name, "recipient_phone": p.text.recipient_phone,
        "recipient_address": p.text.recipient_address, "sender_name": p.text.sender_name,
        "sender_phone": p.text.sender_phone, "sender_address": p.text.sender_address,
        "tracking_no": p.text.tracking_no, "recipient_canonical": p.addr.canonical(),
        "recipient_parts": p.addr.parts()} for p in day.labels))
    _jsonl(truth_dir / "call_text.jsonl", ({
        "call_id": c.call_id, "language": c.language, "text": c.text, "intent": c.intent,
        "order_ids": list(c.order_ids), "phones": list(c.phones), "audio": c.audio,
        "voice": c.voice.name, "speed_wpm": c.voice.speed_wpm, "pitch": c.voice.pitch,
        "noise": c.voice.noise_amplitude > 0} for c in day.scripts))


def _evidence(day: Day, built: BuiltWorld, members: pl.DataFrame, difficulty: str) -> Iterable[dict[str, object]]:
    ids = built.world.accounts["account_id"].to_numpy().astype(str)
    for ring in built.rings:
        mine = members.filter(pl.col("ring_id") == ring.ring_id)["account_id"].to_list()
        orders = day.orders.filter(pl.col("ring_id") == ring.ring_id).sort("ts", "order_id")
        returns = day.returns.filter(pl.col("ring_id") == ring.ring_id).sort("ts", "return_id")
        calls = day.calls.filter(pl.col("ring_id") == ring.ring_id).sort("ts", "call_id")
        yield {
            "ring_id": ring.ring_id, "kind": ring.kind, "design": ring.design or ring.kind, "language": ring.lang,
            "difficulty": difficulty,
            "modalities": sorted(ring.modalities), "participation": ring.participation, "members": mine,
            "devices": list(ring.devices) if ring.uses("shared_devices") or ring.uses("clean_devices") else [],
            "user_agents": list(ring.uas) if ring.uses("shared_devices") else [],
            "ips": list(ring.ips) if ring.uses("shared_ips") else [],
            "drop_addresses": [{"canonical": d.addr.canonical(), "parts": d.addr.parts(),
                                "variants": [{"text": t, "kind": k} for t, k in d.variants]} for d in ring.drops
                               if ring.uses("drop_address") or ring.uses("photo_drop_address")],
            "phones": [e164(p) for p in ring.phones] if ring.uses("shared_call_phones") else [],
            "coupon_ids": list(ring.coupon_ids) if ring.kind == "coupon_abuse" else [],
            "amount": ring.amount if ring.uses("uniform_amounts") else None,
            "order_ids": orders["order_id"].to_list(),
            "loop_order_ids": orders.filter("loop")["order_id"].to_list(),
            "return_ids": returns["return_id"].to_list(),
            "call_ids": calls["call_id"].to_list(),
            **({"links": [{"accounts": [ids[a], ids[b]], "tie": t, "value": v} for a, b, t, v in ring.links]}
               if ring.links else {}),
        }
