"""A synthetic, seeded alert set and event stream shared by the scorer benchmarks.

Rings get a device, a phone and a drop address (half Chinese, half English); events are mostly
strangers with fresh devices and addresses (many on the rings' streets, other doors), plus ring
members, strangers on a ring device, and parcels shipped to a ring's drop address.
"""

from __future__ import annotations

import json
import random

from alerts.export import build_alert
from alerts.model import RingAlert
from graph.alerts_query import StoredRing
from graph.records import EvidenceItem, RingMember, RingRecord, ring_id_for

BUILD = "2026-11-26"
_DISTRICTS = ["深圳市南山区", "深圳市福田区", "广州市天河区", "杭州市西湖区", "上海市浦东新区"]
_ROADS = [f"{a}{b}路" for a in "东西南北中新" for b in ("科技园", "学府", "青年", "滨海", "人民", "建设", "解放", "和平")]
_EN_STREETS = [f"{n} St" for n in ("Oak", "Pine", "Maple", "Cedar", "Elm", "Birch", "Walnut", "Ash")]


def zh_address(rng: random.Random, door: int, flat: int) -> str:
    return f"{rng.choice(_DISTRICTS)}{rng.choice(_ROADS)}{door}号{flat // 100}栋{flat}"


def en_address(rng: random.Random, door: int, flat: int) -> str:
    return f"{door} {rng.choice(_EN_STREETS)} Apt {flat}, Springfield, IL {62700 + door % 90}"


def make_alerts(n_rings: int, seed: int = 0) -> list[RingAlert]:
    rng = random.Random(seed)
    alerts = []
    for i in range(n_rings):
        members = tuple(f"R{i}-{j}" for j in range(rng.randint(3, 8)))
        address = zh_address(rng, 1 + i, 101 + i % 900) if i % 2 else en_address(rng, 1 + i, 101 + i % 900)
        ring = RingRecord(
            ring_id=ring_id_for(list(members), BUILD), kind=rng.choice(["coupon_abuse", "brushing_loop", "return_fraud"]),
            score=round(rng.uniform(0.5, 0.99), 3),
            members=tuple(RingMember(a, round(rng.uniform(0.4, 0.99), 3), "member") for a in members),
            evidence=(EvidenceItem("device", "shared_device", f"DEV-R{i}", members[:2]),
                      EvidenceItem("parcels", "drop_address", address, members, 0.8, "OCR: " + address),
                      EvidenceItem("calls", "call_phone", f"+86139{i:08d}", members[:1], 0.7, "intent: refund")),
            detected_at="2026-11-26T02:00:00+00:00")
        alerts.append(build_alert(StoredRing(ring, "bench-1", BUILD)))
    return alerts


def make_events(alerts: list[RingAlert], n: int, seed: int = 1) -> list[bytes]:
    """JSON events: 5% ring members, 3% strangers on a ring device, 2% to a ring drop address."""
    rng = random.Random(seed)
    drops = [e.detail.removeprefix("OCR: ") for a in alerts[:200] for e in a.evidence if e.kind == "drop_address"]
    out = []
    for i in range(n):
        r = rng.random()
        doc: dict[str, object] = {"event_id": f"ev-{seed}-{i}", "ts": "2026-11-27T09:00:00Z",
                                  "type": rng.choice(["order", "order", "coupon_claim", "login", "return_request"]),
                                  "account_id": f"C{rng.randrange(10**7)}", "device_id": f"DEV-{rng.randrange(10**9)}",
                                  "ip": f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}",
                                  "phone": f"+86137{rng.randrange(10**8):08d}", "amount": round(rng.uniform(1, 500), 2)}
        door, flat = rng.randrange(1, 5000), rng.randrange(101, 3000)
        doc["ship_address"] = zh_address(rng, door, flat) if rng.random() < 0.5 else en_address(rng, door, flat)
        if r < 0.05:
            doc["account_id"] = rng.choice(rng.choice(alerts).members).account_id
        elif r < 0.08:
            doc["device_id"] = rng.choice(rng.choice(alerts).indicators.devices)
        elif r < 0.10:
            doc["ship_address"] = rng.choice(drops)
        out.append(json.dumps(doc, ensure_ascii=False).encode())
    return out
