"""One day of each ring's collusive activity (rings are small, so plain loops are fine here).

Whether a member shows a modality today is decided per member with the ring's participation
probability; a member who does not joins in acts like anyone else (own device, home IP, own
address, human click timing, own phone).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from simulate.activity import CALL_SCHEMA, ORDER_SCHEMA, RETURN_SCHEMA, cgnat_ips, times_of_day
from simulate.addresses import addr_from_row
from simulate.clicks import SESSION_SCHEMA
from simulate.ids import write_phone
from simulate.rings import Ring


@dataclass
class RingDay:
    """Rows produced for all rings on one day (frames in the schemas of activity.py / clicks.py)."""

    orders: list[dict[str, object]] = field(default_factory=list)
    returns: list[dict[str, object]] = field(default_factory=list)
    calls: list[dict[str, object]] = field(default_factory=list)
    sessions: list[dict[str, object]] = field(default_factory=list)

    def frames(self) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
        return (pl.DataFrame(self.orders, schema=ORDER_SCHEMA), pl.DataFrame(self.returns, schema=RETURN_SCHEMA),
                pl.DataFrame(self.calls, schema=CALL_SCHEMA), pl.DataFrame(self.sessions, schema=SESSION_SCHEMA))


class _Ctx:
    def __init__(self, accounts: pl.DataFrame, sellers: pl.DataFrame, rng: np.random.Generator, day_start: int,
                 okey0: int, out: RingDay) -> None:
        self.acc, self.sellers, self.rng, self.day_start, self.okey, self.out = accounts, sellers, rng, day_start, okey0, out

    def row(self, idx: int) -> dict[str, object]:
        return self.acc.row(idx, named=True)

    def joins(self, ring: Ring, modality: str) -> bool:
        return ring.uses(modality) and bool(self.rng.random() < ring.participation)

    def device(self, ring: Ring, acc: dict[str, object]) -> tuple[str, str]:
        if ring.uses("clean_devices"):  # one clean phone per member, never shared
            i = ring.members.index(int(str(acc["idx"])))
            return ring.devices[i], ring.uas[i]
        if self.joins(ring, "shared_devices"):
            i = int(self.rng.integers(len(ring.devices)))
            return ring.devices[i], ring.uas[i]
        return str(acc["device1"]), str(acc["ua1"])

    def ip(self, ring: Ring, acc: dict[str, object]) -> str:
        if ring.uses("clean_devices"):
            return ring.ips[ring.members.index(int(str(acc["idx"])))]
        if self.joins(ring, "shared_ips"):
            return ring.ips[int(self.rng.integers(len(ring.ips)))]
        return str(acc["home_ip"]) if self.rng.random() < 0.65 else str(cgnat_ips(self.rng, 1)[0])

    def own_address(self, acc: dict[str, object]) -> str:
        return addr_from_row(acc).formatting_variant(self.rng) if self.rng.random() < 0.3 else str(acc["home_address"])

    def seller(self, exclude: int) -> tuple[int, float]:
        i = int(self.rng.choice(self.sellers.height, p=self.sellers["weight"].to_numpy()))
        idx = int(self.sellers["idx"][i])
        if idx == exclude:
            i = (i + 1) % self.sellers.height
            idx = int(self.sellers["idx"][i])
        return idx, float(self.sellers["price"][i])

    def order(self, ring: Ring, buyer: int, seller: int, amount: float, coupon: str, ship: str, ts: int,
              loop: bool = False, session_kind: str = "order", dwell: int = 0,
              device: tuple[str, str] | None = None, ip: str | None = None) -> int:
        acc = self.row(buyer)
        device_id, ua = device or self.device(ring, acc)
        ip = ip or self.ip(ring, acc)
        key = self.okey
        self.okey += 1
        phone = write_phone(str(acc["phone"]), int(str(acc["phone_style"])))
        self.out.orders.append({"okey": key, "buyer": buyer, "seller": seller, "amount": round(amount, 2),
                                "coupon_id": coupon, "ship_address": ship, "ship_phone": phone,
                                "device_id": device_id, "ip": ip, "ua": ua, "ts": ts, "ring_id": ring.ring_id,
                                "loop": loop})
        self.out.sessions.append({"buyer": buyer, "device_id": device_id, "ip": ip, "ua": ua, "anchor": ts,
                                  "kind": session_kind, "dwell_ms": dwell, "ring_id": ring.ring_id})
        return key

    def call(self, ring: Ring, buyer: int, okey: int, ts: int, intent: str, phone: str = "") -> None:
        acc = self.row(buyer)
        shared = bool(phone) or self.joins(ring, "shared_call_phones")
        phone = phone or (ring.phones[int(self.rng.integers(len(ring.phones)))] if shared else str(acc["phone"]))
        self.out.calls.append({"okey": okey, "buyer": buyer, "caller_phone": phone,
                               "show_account": bool(self.rng.random() < (0.3 if shared else 0.6)),
                               "spoken_phone": phone, "ts": ts, "intent": intent, "ring_id": ring.ring_id})

    def time(self) -> int:
        return int(times_of_day(self.rng, 1, self.day_start)[0])


def _coupon_abuse(ring: Ring, members: list[int], c: _Ctx) -> None:
    burst = c.day_start + int(c.rng.integers(8 * 3600, 22 * 3600))  # the campaign drop the farm waits for
    keys = []
    for m in members:
        for _ in range(int(c.rng.integers(1, 3))):
            seller, price = c.seller(m)
            ts = burst + int(c.rng.integers(0, 20 * 60)) if c.joins(ring, "coupon_burst") else c.time()
            drop = c.joins(ring, "drop_address")
            ship = (ring.drops[int(c.rng.integers(len(ring.drops)))].variants if drop else ((c.own_address(c.row(m)), ""),))
            text = ship[int(c.rng.integers(len(ship)))][0]
            scripted = c.joins(ring, "scripted_clicks")
            keys.append((m, ts, c.order(ring, m, seller, price * float(np.exp(c.rng.normal(0, 0.3))),
                                        ring.coupon_ids[int(c.rng.integers(len(ring.coupon_ids)))], text, ts,
                                        session_kind="scripted" if scripted else "coupon_order",
                                        dwell=ring.dwell_ms if scripted else 0)))
    for m, ts, key in keys[: max(1, len(keys) // 3)]:
        c.call(ring, m, key, ts + int(c.rng.integers(600, 3 * 3600)), str(c.rng.choice(["coupon", "refund"])))


def _brushing_loop(ring: Ring, members: list[int], c: _Ctx) -> None:
    """Every member buys from the next member's shop: a closed cycle of orders, every day."""
    for i, buyer in enumerate(members):
        seller = members[(i + 1) % len(members)]
        for _ in range(int(c.rng.integers(1, 3))):
            uniform = c.joins(ring, "uniform_amounts")
            amount = ring.amount * (1 + c.rng.normal(0, 0.003)) if uniform else \
                float(np.exp(c.rng.normal(4.0, 0.8)))
            ts = c.day_start + int(c.rng.integers(9 * 3600, 23 * 3600))
            c.order(ring, buyer, seller, amount, "", c.own_address(c.row(buyer)), ts, loop=True)
            if c.joins(ring, "fast_confirm"):
                c.out.sessions.append({**c.out.sessions[-1], "anchor": ts + int(c.rng.integers(300, 1800)),
                                       "kind": "confirm", "dwell_ms": 0})


def _return_fraud(ring: Ring, members: list[int], c: _Ctx) -> None:
    for m in members:
        if c.rng.random() > 0.7:
            continue
        acc = c.row(m)
        seller, price = c.seller(m)
        ts = c.time()
        ship = c.own_address(acc)
        key = c.order(ring, m, seller, price * float(np.exp(c.rng.normal(0.3, 0.4))), "", ship, ts)
        drop = c.joins(ring, "photo_drop_address")
        d = ring.drops[int(c.rng.integers(len(ring.drops)))]
        text, kind = d.variants[int(c.rng.integers(len(d.variants)))] if drop else (ship, "")
        rts = min(ts + int(c.rng.integers(1800, 5 * 3600)), c.day_start + 86400 - 120)
        c.out.returns.append({"okey": key, "buyer": m, "reason": str(c.rng.choice(["empty_parcel", "wrong_item"])),
                              "ts": max(rts, ts + 60), "ring_id": ring.ring_id, "label_address": text,
                              "drop_canonical": d.addr.canonical() if drop else "", "variant_kind": kind})
        if c.rng.random() < 0.6 or ring.design == "call_only":  # a call-only gang always calls
            c.call(ring, m, key, max(rts, ts + 60) + int(c.rng.integers(60, 3600)),
                   str(c.rng.choice(["not_received", "empty_parcel"])))


def _mosaic(ring: Ring, members: list[int], c: _Ctx) -> None:
    """Each neighbouring pair places one coupon order each; with the ring's participation both show the pair's tie."""
    alive = set(members)
    for a, b, tie, value in ring.links:
        if a not in alive or b not in alive:
            continue
        shows = bool(c.rng.random() < ring.participation)  # the pair used its shared thing today
        for m in (a, b):
            acc = c.row(m)
            seller, price = c.seller(m)
            ts = c.time()
            own_device = (str(acc["device1"]), str(acc["ua1"]))
            device = (value, own_device[1]) if shows and tie == "device" else own_device
            ip = value if shows and tie == "ip" else str(acc["home_ip"])
            ship = value if shows and tie == "address" else c.own_address(acc)
            key = c.order(ring, m, seller, price * float(np.exp(c.rng.normal(0, 0.3))),
                          ring.coupon_ids[int(c.rng.integers(len(ring.coupon_ids)))], ship, ts,
                          session_kind="coupon_order", device=device, ip=ip)
            if shows and tie == "phone":
                c.call(ring, m, key, ts + int(c.rng.integers(600, 3 * 3600)), str(c.rng.choice(["coupon", "refund"])),
                       phone=value)


def _cash_star(ring: Ring, members: list[int], c: _Ctx) -> None:
    """Members pay the organiser's shop the agreed price and confirm fast; nobody buys back."""
    shop = ring.members[0]
    for buyer in members:
        if buyer == shop:
            continue
        for _ in range(int(c.rng.integers(1, 3))):
            uniform = c.joins(ring, "uniform_amounts")
            amount = ring.amount * (1 + c.rng.normal(0, 0.003)) if uniform else float(np.exp(c.rng.normal(4.0, 0.8)))
            ts = c.time()
            c.order(ring, buyer, shop, amount, "", c.own_address(c.row(buyer)), ts, loop=True)
            if c.joins(ring, "fast_confirm"):
                c.out.sessions.append({**c.out.sessions[-1], "anchor": ts + int(c.rng.integers(300, 1800)),
                                       "kind": "confirm", "dwell_ms": 0})


_ACTIVITY = {"coupon_abuse": _coupon_abuse, "brushing_loop": _brushing_loop, "return_fraud": _return_fraud,
             "mosaic": _mosaic, "cash_star": _cash_star, "photo_only": _return_fraud, "call_only": _return_fraud}


def ring_day(rings: tuple[Ring, ...], accounts: pl.DataFrame, sellers: pl.DataFrame, alive: np.ndarray,
             rng: np.random.Generator, day_start: int, okey0: int) -> RingDay:
    """All rings' rows for the day; only members whose accounts exist (alive[idx]) take part."""
    out = RingDay()
    ctx = _Ctx(accounts, sellers, rng, day_start, okey0, out)
    for ring in rings:
        members = [m for m in ring.members if alive[m]]
        if len(members) >= 2:
            _ACTIVITY[ring.design or ring.kind](ring, members, ctx)
    return out
