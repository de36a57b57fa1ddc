"""A tiny hand-built work folder in ingest/'s output format (ingest/schema.py), for loader tests.

Two Chinese-speaking accounts ship to one drop address written two ways; a third account is
unrelated; A1 → A2 → A3 → A1 is a closed loop of orders.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ingest.normalize import address_key, normalize_phone


def _ts(s: str) -> datetime:
    return datetime.fromisoformat(s).astimezone(UTC)


def _write(folder: Path, name: str, rows: list[dict[str, Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), folder / f"{name}.parquet")


DROP_A = "广东省深圳市南山区科技园路88号3栋1201"
DROP_B = "深圳南山区科技园路８８号3幢1201室"  # same place, formatted differently
OTHER = "12 Oak Street, Apt 4B, Springfield, 62704"
NASTY = "x'}) MATCH (n) DETACH DELETE n //` {`"


def write_day(work: Path, date: str, suffix: str = "") -> None:
    """One day's outputs. `suffix` makes order/return ids distinct for a second day."""
    day = f"{date}T10:00:00+08:00"
    _write(work, "accounts", [
        {"account_id": a, "created_at": _ts("2026-11-01T09:00:00+08:00"), "phone": normalize_phone(p), "phone_raw": p,
         "register_ip": ip, "register_device": dev}
        for a, p, ip, dev in [("A1", "138 1234 5678", "10.0.0.1", "dev-1"), ("A2", "+86 13812345678", "10.0.0.2", "dev-1"),
                              ("A3", "+1 415-555-0123", "10.0.0.3", "dev-3"), (NASTY, None, None, None)]])
    orders = []
    for i, (buyer, seller, addr) in enumerate([("A1", "A2", DROP_A), ("A2", "A3", DROP_B), ("A3", "A1", OTHER)]):
        orders.append({"order_id": f"{1000000000 + i}{suffix}", "buyer_id": buyer, "seller_id": seller, "amount": 99.5,
                       "coupon_id": "CP1" if buyer != "A3" else None, "ship_address": addr,
                       "address_key": address_key(addr), "ship_phone": "+8613812345678", "ship_phone_raw": "138-1234-5678",
                       "device_id": "dev-1" if buyer != "A3" else "dev-3", "ip": "10.0.0.9", "created_at": _ts(day)})
    _write(work, "orders", orders)
    _write(work, "flows", [{"src_account": o["buyer_id"], "dst_account": o["seller_id"], "n_orders": 1,
                            "amount_total": 99.5} for o in orders])
    _write(work, "returns", [{"return_id": f"R{suffix}1", "order_id": orders[0]["order_id"], "account_id": "A1",
                              "reason": NASTY, "photo": f"parcels/R{suffix}1.jpg", "created_at": _ts(day)}])
    _write(work, "sessions", [{"session_id": f"s{i}{suffix}", "account_id": a, "device_id": d, "ip": "10.0.0.9"}
                              for i, (a, d) in enumerate([("A1", "dev-1"), ("A1", "dev-1"), ("A2", "dev-1")])])
    _write(work, "fingerprints", [{"account_id": a, "n_events": 12, "n_sessions": 2, "dwell_cv": 0.05, "emulator": True}
                                  for a in ("A1", "A2")])
    _write(work, "similar_pairs", [{"account_a": "A1", "account_b": "A2", "jaccard": 0.9, "timing_sim": 0.95,
                                    "shared_devices": 1, "shared_ips": 1, "weight": 0.8}])


def write_synthetic_day(work: Path, n_accounts: int, n_orders: int, seed: int = 7, date: str = "2026-11-27",
                        first: int = 0) -> None:
    """A bigger random day in the same format (for interruption tests and the load benchmark).

    `first` offsets every account, order, device, IP and phone key, so two days with
    non-overlapping `first` ranges share no key (the benchmark's JIT warm-up day).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    accounts = [f"U{first + i:08d}" for i in range(n_accounts)]
    ts = _ts(f"{date}T10:00:00+08:00")
    _write(work, "accounts", [
        {"account_id": a, "created_at": ts, "phone": f"+86138{i:08d}", "phone_raw": f"138{i:08d}",
         "register_ip": f"10.{i % 250}.{(i // 250) % 250}.{1 + i // 62500 % 250}", "register_device": f"dev-{i // 3}"}
        for i, a in enumerate(accounts, start=first)])
    buyers = rng.integers(0, n_accounts, n_orders) + first
    sellers = rng.integers(0, n_accounts, n_orders) + first
    streets = rng.integers(1, 2000, n_orders)
    orders = [{"order_id": f"{3000000000 + 8 * first + i}", "buyer_id": accounts[b - first], "seller_id": accounts[s - first],
               "amount": float(rng.integers(1, 500)), "coupon_id": None if i % 4 else f"CP{i % 7}",
               "ship_address": f"{st} Oak St, Springfield, 62704", "address_key": f"en|{st} oak st||springfield|62704",
               "ship_phone": f"+86138{b:08d}", "ship_phone_raw": f"138{b:08d}", "device_id": f"dev-{b // 3}",
               "ip": f"10.{b % 250}.{(b // 250) % 250}.{1 + b // 62500 % 250}", "created_at": ts}
              for i, (b, s, st) in enumerate(zip(buyers.tolist(), sellers.tolist(), streets.tolist(), strict=True))]
    _write(work, "orders", orders)
    flows = sorted({(o["buyer_id"], o["seller_id"]) for o in orders})
    _write(work, "flows", [{"src_account": a, "dst_account": b} for a, b in flows])
    pairs = sorted({tuple(sorted(p)) for p in rng.integers(0, n_accounts, (n_accounts // 2, 2)).tolist() if p[0] != p[1]})
    _write(work, "similar_pairs", [{"account_a": accounts[a], "account_b": accounts[b], "jaccard": 0.8, "timing_sim": 0.9,
                                    "shared_devices": 0, "shared_ips": 0, "weight": 0.5} for a, b in pairs])
