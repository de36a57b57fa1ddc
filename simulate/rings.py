"""Collusive rings planted into the world: who is in them and what they share.

Each ring kind has a list of *modalities* (ways it can show). `easy` shows all of them with
every member taking part; `default` shows all, diluted (members take part in each with some
probability, ~15% of drop-address variants are typos); `hard` keeps one modality that links
members through a shared entity plus one more, and members act like everyone else otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from simulate.addresses import Addr, random_addr
from simulate.ids import hex_ids, ips_in, phone_digits
from simulate.vocab import EMULATOR_UAS, MOBILE_UAS, PROXY_PREFIXES
from simulate.world import WORLD_END

RING_KINDS = ("coupon_abuse", "brushing_loop", "return_fraud")
MODALITIES = {
    "coupon_abuse": ("shared_devices", "shared_ips", "drop_address", "scripted_clicks", "coupon_burst",
                     "shared_call_phones", "fresh_accounts"),
    "brushing_loop": ("order_cycle", "uniform_amounts", "shared_devices", "shared_ips", "fast_confirm"),
    "return_fraud": ("photo_drop_address", "shared_call_phones", "shared_devices", "shared_ips"),
}
# Modalities that join members through a shared entity or an explicit relation in the graph.
LINKING = {"shared_devices", "shared_ips", "drop_address", "scripted_clicks", "shared_call_phones",
           "order_cycle", "photo_drop_address"}
PARTICIPATION = {"easy": 1.0, "default": 0.75, "hard": 0.75}  # chance a member joins one modality
TYPO_SHARE = {"easy": 0.0, "default": 0.15, "hard": 0.2}
BIG_LOOP = 37  # the brushing chain size reported from the pilot


@dataclass(frozen=True)
class DropAddress:
    addr: Addr
    variants: tuple[tuple[str, str], ...]  # (text as written, "formatting" | "typo")


@dataclass(frozen=True)
class Ring:
    ring_id: str
    kind: str
    lang: str
    members: tuple[int, ...]  # account idx; members[0] is the organizer
    modalities: frozenset[str]
    participation: float
    devices: tuple[str, ...]  # farm / studio devices
    uas: tuple[str, ...]
    ips: tuple[str, ...]
    drops: tuple[DropAddress, ...]
    phones: tuple[str, ...]  # call phones (digits)
    coupon_ids: tuple[str, ...]
    amount: float  # brushing: the agreed price
    dwell_ms: int  # scripted clicks: the bot's step time

    def uses(self, modality: str) -> bool:
        return modality in self.modalities


def ring_sizes(n_accounts: int, n_rings: int, rng: np.random.Generator) -> list[tuple[str, int]]:
    """(kind, size) per ring: a 37-account brushing loop first when the world is big enough."""
    budget = int(n_accounts * 0.15)
    out: list[tuple[str, int]] = []
    if n_rings and n_accounts >= 10 * BIG_LOOP:
        out.append(("brushing_loop", BIG_LOOP))
        budget -= BIG_LOOP
    cycle = ("coupon_abuse", "return_fraud", "brushing_loop")
    for i in range(n_rings - len(out)):
        size = int(np.exp(rng.uniform(np.log(4), np.log(31))))
        size = max(3, min(size, budget // max(1, n_rings - len(out))))
        out.append((cycle[i % 3], size))
        budget -= size
    return out


def _modalities(kind: str, difficulty: str, rng: np.random.Generator) -> frozenset[str]:
    mods = MODALITIES[kind]
    if difficulty != "hard":
        return frozenset(mods)
    linking = [m for m in mods if m in LINKING]
    first = "order_cycle" if kind == "brushing_loop" else linking[int(rng.integers(len(linking)))]
    rest = [m for m in mods if m != first]
    return frozenset({first, rest[int(rng.integers(len(rest)))]})


def _drops(lang: str, k: int, difficulty: str, rng: np.random.Generator) -> tuple[DropAddress, ...]:
    out = []
    for _ in range(k):
        addr = random_addr(lang, rng)
        variants: list[tuple[str, str]] = [(addr.canonical(), "formatting")]
        for _ in range(int(rng.integers(3, 8))):
            typo = rng.random() < TYPO_SHARE[difficulty]
            variants.append((addr.typo_variant(rng), "typo") if typo else (addr.formatting_variant(rng), "formatting"))
        out.append(DropAddress(addr, tuple(dict.fromkeys(variants))))
    return tuple(out)


def plant_rings(accounts: pl.DataFrame, excluded: np.ndarray, n_rings: int, difficulty: str,
                coupons: tuple[str, ...], rng: np.random.Generator) -> tuple[pl.DataFrame, tuple[Ring, ...]]:
    """Choose members among accounts not in `excluded` and rewrite what their ring shares."""
    n = accounts.height
    taken = np.zeros(n, dtype=bool)
    taken[excluded] = True
    order = rng.permutation(n)
    langs = accounts["lang"].to_numpy()
    created = accounts["created"].to_numpy().copy()
    reg_dev = accounts["register_device"].to_numpy().astype(object)
    reg_ip = accounts["register_ip"].to_numpy().astype(object)
    rings: list[Ring] = []
    for r, (kind, size) in enumerate(ring_sizes(n, n_rings, rng)):
        lang = "zh" if rng.random() < 0.8 else "en"
        avail = order[~taken[order]]
        same = avail[langs[avail] == lang][:size]  # rings recruit mostly within one language
        members = np.concatenate([same, avail[langs[avail] != lang][: size - len(same)]])
        taken[members] = True
        mods = _modalities(kind, difficulty, rng)
        n_dev = max(1, size // int(rng.integers(4, 9)))
        farm = kind == "coupon_abuse"
        uas = tuple(EMULATOR_UAS[int(rng.integers(len(EMULATOR_UAS)))] if farm and rng.random() < 0.7
                    else MOBILE_UAS[int(rng.integers(len(MOBILE_UAS)))] for _ in range(n_dev))
        prefix = PROXY_PREFIXES[int(rng.integers(len(PROXY_PREFIXES)))] + f".{int(rng.integers(0, 255))}"
        ips = tuple(str(x) for x in ips_in(np.array([prefix] * max(1, size // 6)), rng, 1))
        n_phones = int(rng.integers(1, 4))
        ring = Ring(
            ring_id=f"RING{r:03d}", kind=kind, lang=lang, members=tuple(int(m) for m in members),
            modalities=mods, participation=PARTICIPATION[difficulty],
            devices=tuple(str(d) for d in hex_ids(rng, n_dev)), uas=uas, ips=ips,
            drops=_drops(lang, int(rng.integers(1, 4)), difficulty, rng) if kind != "brushing_loop" else (),
            phones=tuple(str(p) for p in phone_digits(np.array([lang == "zh"] * n_phones), rng)),
            coupon_ids=tuple(coupons[i] for i in rng.choice(len(coupons), size=2, replace=False)),
            amount=float(np.round(np.exp(rng.normal(4.3, 0.5)), 0) - 0.1),
            dwell_ms=int(rng.integers(600, 1500)),
        )
        rings.append(ring)
        joins = rng.random(len(members)) < ring.participation
        if ring.uses("fresh_accounts"):  # batch-registered shortly before the world's end
            burst = int(WORLD_END.timestamp()) - int(rng.integers(5, 25)) * 86400
            created[members[joins]] = burst + rng.integers(0, 2 * 86400, int(joins.sum()))
        if ring.uses("shared_devices"):
            reg_dev[members[joins]] = np.array(ring.devices)[rng.integers(n_dev, size=int(joins.sum()))]
        if ring.uses("shared_ips"):
            reg_ip[members[joins]] = np.array(ring.ips)[rng.integers(len(ips), size=int(joins.sum()))]
    ring_of = np.full(n, "", dtype=object)
    for ring in rings:
        ring_of[list(ring.members)] = ring.ring_id
    updated = accounts.with_columns(created=pl.Series(created), register_device=pl.Series(reg_dev.astype(str)),
                                    register_ip=pl.Series(reg_ip.astype(str)), ring_id=pl.Series(ring_of.astype(str)))
    return updated, tuple(rings)


def rings_table(rings: tuple[Ring, ...], accounts: pl.DataFrame) -> pl.DataFrame:
    """truth rings.csv rows: ring_id, kind, account_id, role (+ idx for internal joins)."""
    ids = accounts["account_id"].to_numpy()
    rows = [(r.ring_id, r.kind, str(ids[m]), "organizer" if i == 0 else "member", m)
            for r in rings for i, m in enumerate(r.members)]
    return pl.DataFrame(rows, schema={"ring_id": pl.Utf8, "kind": pl.Utf8, "account_id": pl.Utf8,
                                      "role": pl.Utf8, "idx": pl.Int64}, orient="row")
