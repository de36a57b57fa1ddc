"""Synthetic GraphExports with planted rings and benign look-alikes (for benchmarks and tests).

Not the simulator: a vectorised stand-in with the same export contract (node types, relations,
feature names) so gnn/ can be measured at 100k-1M accounts, and exercised before a simulated
day is available. Ring kinds and look-alike kinds mirror the simulator's truth files, which
`write_truth` produces in the same format (rings.csv, lookalikes.csv).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from graph.export_types import EdgeTable, GraphExport, NodeTable

ACCOUNT_FEATURES = ("age_days", "n_orders", "n_sales", "amount_mean", "amount_cv", "coupon_frac", "n_returns",
                    "return_rate", "n_calls", "intent_refund", "intent_not_received", "intent_empty_parcel",
                    "intent_damaged", "intent_wrong_item", "intent_coupon", "intent_account_access",
                    "max_fraud_match", "n_devices", "n_ips", "n_similar", "fp_dwell_mean", "fp_pages_per_session",
                    "fp_night_frac")


@dataclass
class SyntheticTruth:
    rings: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (ring_id, kind, member ids)
    lookalikes: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (group_id, kind, ids)


class _Builder:
    def __init__(self, n: int, rng: np.random.Generator) -> None:
        self.n, self.rng = n, rng
        self.edges: dict[tuple[str, str, str], list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {}
        self.count = {"device": 0, "ip": 0, "address": 0, "phone": 0, "coupon": 0}
        self.fraud_address: list[int] = []
        self.emulator: list[int] = []

    def new(self, typ: str, k: int) -> np.ndarray:
        start = self.count[typ]
        self.count[typ] += k
        return np.arange(start, start + k, dtype=np.int64)

    def add(self, key: tuple[str, str, str], src: np.ndarray, dst: np.ndarray, w: np.ndarray | float = 1.0) -> None:
        src = np.asarray(src, dtype=np.int64)
        dst = np.asarray(dst, dtype=np.int64)
        wa = np.broadcast_to(np.asarray(w, dtype=np.float32), src.shape).copy()
        self.edges.setdefault(key, []).append((src, dst, wa))


def _rel(name: str, dst: str) -> tuple[str, str, str]:
    return ("account", name, dst)


def make_export(n_accounts: int = 5000, seed: int = 0, n_rings: int | None = None,
                label_fraud_frac: float = 0.35, label_legit_frac: float = 0.05,
                window: tuple[str, str] = ("2026-01-01", "2026-01-01")) -> tuple[GraphExport, SyntheticTruth]:
    """A graph of `n_accounts` accounts; about 3% are in rings (one 37-account brushing loop)."""
    rng = np.random.default_rng(seed)
    n = n_accounts
    b = _Builder(n, rng)
    truth = SyntheticTruth()
    # --- everyone: own device, ip, address, phone; orders from shops; a few returns/calls/coupons
    dev, ip, addr, ph = b.new("device", n), b.new("ip", n), b.new("address", n), b.new("phone", n)
    acc = np.arange(n, dtype=np.int64)
    b.add(_rel("uses_device", "device"), acc, dev, rng.integers(1, 6, n))
    b.add(_rel("uses_ip", "ip"), acc, ip, rng.integers(1, 6, n))
    b.add(_rel("ships_to", "address"), acc, addr, rng.integers(1, 4, n))
    b.add(_rel("has_phone", "phone"), acc, ph)
    n_shops = max(3, n // 30)
    shops = rng.choice(n, n_shops, replace=False)
    n_orders = rng.poisson(3, n) + 1
    buyers = np.repeat(acc, n_orders)
    pop = rng.zipf(1.6, len(buyers)) % n_shops
    b.add(_rel("buys_from", "account"), buyers, shops[pop])
    coupons = b.new("coupon", max(5, n // 500))
    claimers = acc[rng.random(n) < 0.2]
    b.add(_rel("claimed", "coupon"), claimers, rng.choice(coupons, len(claimers)),
          29_000_000 + rng.integers(0, 1440, len(claimers)))
    returners = acc[rng.random(n) < 0.1]
    b.add(_rel("label_address", "address"), returners, addr[returners], rng.uniform(0.6, 0.99, len(returners)))
    callers = acc[rng.random(n) < 0.05]
    b.add(_rel("called_from", "phone"), callers, ph[callers], 1.0)
    k = n // 20
    a1, a2 = rng.integers(0, n, k), rng.integers(0, n, k)
    b.add(_rel("behaves_like", "account"), a1, a2, rng.uniform(0.2, 0.6, k))

    feats = {name: np.zeros(n, dtype=np.float32) for name in ACCOUNT_FEATURES}
    feats["age_days"] = rng.lognormal(5.5, 1.0, n).astype(np.float32)
    feats["n_orders"] = n_orders.astype(np.float32)
    feats["amount_mean"] = rng.lognormal(4.0, 0.8, n).astype(np.float32)
    feats["amount_cv"] = rng.uniform(0.1, 1.2, n).astype(np.float32)
    feats["coupon_frac"] = np.clip(rng.beta(1, 8, n), 0, 1).astype(np.float32)
    feats["n_returns"][returners] = 1
    feats["n_calls"][callers] = 1
    feats["intent_refund"][callers] = rng.random(len(callers)) < 0.5
    feats["intent_damaged"][callers] = rng.random(len(callers)) < 0.3
    feats["intent_not_received"][callers] = rng.random(len(callers)) < 0.1
    feats["max_fraud_match"] = rng.beta(1, 12, n).astype(np.float32)
    feats["fp_dwell_mean"] = rng.normal(8.0, 2.0, n).astype(np.float32)
    feats["fp_pages_per_session"] = rng.normal(12.0, 4.0, n).astype(np.float32)
    feats["fp_night_frac"] = rng.beta(2, 10, n).astype(np.float32)

    free = np.setdiff1d(acc, shops)
    rng.shuffle(free)
    cursor = 0

    def take(k: int) -> np.ndarray:
        nonlocal cursor
        out = free[cursor:cursor + k]
        cursor += k
        return out

    # --- benign look-alikes
    for g in range(max(1, n // 400)):  # families of four: one address, one shared device
        m = take(4)
        b.add(_rel("ships_to", "address"), m, np.full(4, addr[m[0]]), 2)
        b.add(_rel("uses_device", "device"), m, np.full(4, dev[m[0]]), 3)
        b.add(_rel("uses_ip", "ip"), m, np.full(4, ip[m[0]]), 3)
        truth.lookalikes.append((f"family-{g}", "family", [str(x) for x in m]))
    for g in range(max(1, n // 2500)):  # campus NAT: one IP for a crowd
        m = take(int(rng.integers(60, 200)))
        b.add(_rel("uses_ip", "ip"), m, np.full(len(m), b.new("ip", 1)[0]), 4)
        truth.lookalikes.append((f"campus-{g}", "campus_nat", [str(x) for x in m]))
    for g in range(max(1, n // 2500)):  # parcel locker: one address for many
        m = take(int(rng.integers(20, 60)))
        b.add(_rel("ships_to", "address"), m, np.full(len(m), b.new("address", 1)[0]), 1)
        feats["n_returns"][m] += rng.integers(0, 2, len(m))
        truth.lookalikes.append((f"locker-{g}", "parcel_locker", [str(x) for x in m]))
    for g in range(max(1, n // 2500)):  # power shoppers: many orders, coupons, similar behaviour
        m = take(10)
        feats["n_orders"][m] *= 8
        feats["coupon_frac"][m] = rng.uniform(0.3, 0.6, len(m))
        b.add(_rel("behaves_like", "account"), m[:-1], m[1:], 0.7)
        truth.lookalikes.append((f"power-{g}", "power_shopper", [str(x) for x in m]))
    for g in range(max(1, n // 2500)):  # resellers: buy a lot from few shops, sell on
        m = take(6)
        b.add(_rel("buys_from", "account"), np.repeat(m, 20), np.tile(shops[:3], len(m) * 20 // 3 + 1)[:len(m) * 20])
        feats["n_sales"][m] = rng.integers(20, 80, len(m))
        truth.lookalikes.append((f"reseller-{g}", "reseller", [str(x) for x in m]))

    # --- rings
    n_rings = n_rings if n_rings is not None else max(3, n // 300)
    kinds = ["brushing_loop"] + [("coupon_abuse", "return_fraud", "brushing_loop")[i % 3] for i in range(n_rings - 1)]
    for r, kind in enumerate(kinds):
        size = 37 if r == 0 else int(rng.integers(5, 16))
        m = take(size)
        if len(m) < 3:
            break
        feats["age_days"][m] = rng.lognormal(3.0, 1.0, len(m))
        share_devs = b.new("device", max(1, size // 5))
        b.add(_rel("uses_device", "device"), m, rng.choice(share_devs, len(m)), rng.integers(1, 5, len(m)))
        b.emulator.extend(share_devs[rng.random(len(share_devs)) < 0.5].tolist())
        share_ips = b.new("ip", max(1, size // 4))
        b.add(_rel("uses_ip", "ip"), m, rng.choice(share_ips, len(m)), rng.integers(1, 5, len(m)))
        if kind == "coupon_abuse":
            c = rng.choice(coupons)
            t0 = 29_000_000 + int(rng.integers(0, 1400))
            b.add(_rel("claimed", "coupon"), m, np.full(len(m), c), t0 + rng.integers(0, 6, len(m)))
            feats["coupon_frac"][m] = rng.uniform(0.5, 1.0, len(m))
            i, j = rng.integers(0, len(m), 2 * len(m)), rng.integers(0, len(m), 2 * len(m))
            ok = i != j
            b.add(_rel("behaves_like", "account"), m[i[ok]], m[j[ok]], rng.uniform(0.75, 0.98, int(ok.sum())))
        elif kind == "return_fraud":
            drops = b.new("address", max(1, size // 6))
            b.fraud_address.extend(drops[rng.random(len(drops)) < 0.5].tolist())
            d = rng.choice(drops, len(m))
            b.add(_rel("ships_to", "address"), m, d, rng.integers(1, 4, len(m)))
            b.add(_rel("label_address", "address"), m, d, rng.uniform(0.5, 0.95, len(m)))
            cp = b.new("phone", max(1, size // 5))
            b.add(_rel("called_from", "phone"), m, rng.choice(cp, len(m)), rng.integers(1, 3, len(m)))
            feats["n_returns"][m] = rng.integers(1, 5, len(m))
            feats["n_calls"][m] = rng.integers(1, 4, len(m))
            feats["intent_not_received"][m] = rng.random(len(m)) < 0.6
            feats["intent_empty_parcel"][m] = rng.random(len(m)) < 0.4
            feats["max_fraud_match"][m] = rng.uniform(0.3, 1.0, len(m))
        else:  # brushing loop: each member buys from the next one, repeatedly
            b.add(_rel("buys_from", "account"), m, np.roll(m, -1), rng.integers(3, 10, len(m)))
            feats["n_sales"][m] = rng.integers(3, 10, len(m))
            feats["amount_cv"][m] = rng.uniform(0.0, 0.2, len(m))
        truth.rings.append((f"R{r:04d}", kind, [str(x) for x in m]))

    feats["n_returns"] = feats["n_returns"].astype(np.float32)
    feats["return_rate"] = (feats["n_returns"] / np.maximum(feats["n_orders"], 1)).astype(np.float32)
    return _finish(b, feats, truth, n, rng, label_fraud_frac, label_legit_frac, window)


def _finish(b: _Builder, feats: dict[str, np.ndarray], truth: SyntheticTruth, n: int, rng: np.random.Generator,
            label_fraud_frac: float, label_legit_frac: float,
            window: tuple[str, str]) -> tuple[GraphExport, SyntheticTruth]:
    edges = []
    for key, parts in b.edges.items():
        src = np.concatenate([p[0] for p in parts])
        dst = np.concatenate([p[1] for p in parts])
        w = np.concatenate([p[2] for p in parts])
        edges.append(EdgeTable(key[0], key[1], key[2], src, dst, w))
    deg = {t: np.zeros(c, dtype=np.float32) for t, c in b.count.items()}
    for e in edges:
        if e.dst_type in deg:
            np.add.at(deg[e.dst_type], e.dst, 1.0)
        if e.relation == "uses_device":
            feats["n_devices"] += np.bincount(e.src, minlength=n).astype(np.float32)
        if e.relation == "uses_ip":
            feats["n_ips"] += np.bincount(e.src, minlength=n).astype(np.float32)
        if e.relation == "behaves_like":
            feats["n_similar"] += (np.bincount(e.src, minlength=n) + np.bincount(e.dst, minlength=n)).astype(np.float32)
    nodes = {"account": NodeTable(tuple(f"A{i:07d}" for i in range(n)),
                                  np.stack([feats[f] for f in ACCOUNT_FEATURES], axis=1).astype(np.float32),
                                  ACCOUNT_FEATURES)}
    for t, c in b.count.items():
        cols, names = [deg[t]], ["degree"]
        if t == "address":
            listed = np.zeros(c, dtype=np.float32)
            listed[b.fraud_address] = 1
            cols += [listed, np.where(listed > 0, rng.uniform(0.8, 1.0, c), rng.beta(1, 12, c)).astype(np.float32)]
            names += ["fraud_listed", "max_fraud_match"]
        if t == "device":
            emu = np.zeros(c, dtype=np.float32)
            emu[b.emulator] = 1
            cols.append(emu)
            names.append("emulator")
        nodes[t] = NodeTable(tuple(f"{t[0].upper()}{i:07d}" for i in range(c)), np.stack(cols, axis=1), tuple(names))
    labels = np.full(n, -1, dtype=np.int8)
    legit = rng.random(n) < label_legit_frac
    labels[legit] = 0
    for _, _, members in truth.rings:
        idx = np.array([int(x) for x in members])
        labels[idx[rng.random(len(idx)) < label_fraud_frac]] = 1
    # rename truth members to account ids
    rename = nodes["account"].ids
    truth.rings = [(rid, k, [rename[int(x)] for x in m]) for rid, k, m in truth.rings]
    truth.lookalikes = [(gid, k, [rename[int(x)] for x in m]) for gid, k, m in truth.lookalikes]
    return GraphExport(nodes, tuple(edges), window, labels), truth


def write_truth(truth: SyntheticTruth, folder: Path) -> None:
    """Write rings.csv and lookalikes.csv in the simulator's truth format."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "rings.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ring_id", "kind", "account_id", "role"])
        for rid, kind, members in truth.rings:
            w.writerows([rid, kind, a, "member"] for a in members)
    with open(folder / "lookalikes.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["group_id", "kind", "account_id"])
        for gid, kind, members in truth.lookalikes:
            w.writerows([gid, kind, a] for a in members)
