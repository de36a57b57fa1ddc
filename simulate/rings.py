"""Collusive rings planted into the world: who is in them and what they share.

Each ring kind has a list of *modalities* (ways it can show). `easy` shows all of them with
every member taking part; `default` shows all, diluted (members take part in each with some
probability, ~15% of drop-address variants are typos); `hard` keeps one modality that links
members through a shared entity plus one more, and members act like everyone else otherwise.

*Designs* are how a ring of one kind organises itself. The three classic ones are the kinds
themselves; the others (`SimConfig.designs`, off by default so the default worlds stay as they
were) were written to get past today's ring search, as a ring that knows the rules would:
- `mosaic` (coupon abuse): a chain of members where each neighbouring pair shares one thing
  only, in turn a device, an IP, a delivery address, a call phone: every tie looks like a
  couple's, the ring shows only as the chain. No bursts, no scripts, old accounts.
- `photo_only` (return fraud): every member on a clean device and IP of its own (camouflage),
  own phone, own home; the one tie is the drop address on the returned parcels' labels.
- `cash_star` (brushing): members buy from the organiser's shop at the agreed price and confirm
  fast, each from a clean device and IP; money flows one way, so there is no order cycle.
- `call_only` (return fraud): own devices, IPs and homes; the tie is the few phones that call
  about their "missing" parcels, spread over the whole day.
Truth names the design in `evidence.jsonl` (`design`); `rings.csv` keeps the kind.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from graph.records import KNOWN_RING_KINDS
from simulate.addresses import Addr, random_addr
from simulate.ids import hex_ids, ips_in, phone_digits
from simulate.vocab import EMULATOR_UAS, EN_ISP_PREFIXES, MOBILE_UAS, PROXY_PREFIXES, ZH_ISP_PREFIXES
from simulate.world import WORLD_END

RING_KINDS: tuple[str, ...] = tuple(KNOWN_RING_KINDS)  # each default design plants the kind of its name
MODALITIES = {
    "coupon_abuse": ("shared_devices", "shared_ips", "drop_address", "scripted_clicks", "coupon_burst",
                     "shared_call_phones", "fresh_accounts"),
    "brushing_loop": ("order_cycle", "uniform_amounts", "shared_devices", "shared_ips", "fast_confirm"),
    "return_fraud": ("photo_drop_address", "shared_call_phones", "shared_devices", "shared_ips"),
}
# design -> (kind, modalities); the classic designs show their kind's modalities (by difficulty).
DESIGNS: dict[str, tuple[str, tuple[str, ...]]] = {
    **{k: (k, MODALITIES[k]) for k in RING_KINDS},
    "mosaic": ("coupon_abuse", ("chain_ties",)),
    "photo_only": ("return_fraud", ("photo_drop_address", "clean_devices")),
    "cash_star": ("brushing_loop", ("order_star", "uniform_amounts", "fast_confirm", "clean_devices")),
    "call_only": ("return_fraud", ("shared_call_phones", "clean_devices")),
}
CHAIN_TIES = ("device", "ip", "address", "phone")  # mosaic: what the i-th neighbouring pair shares
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
    design: str = ""  # DESIGNS key; "" = the classic design of `kind`
    # mosaic: (member idx, member idx, tie, value) per neighbouring pair; tie in CHAIN_TIES
    links: tuple[tuple[int, int, str, str], ...] = ()

    def uses(self, modality: str) -> bool:
        return modality in self.modalities


def ring_sizes(n_accounts: int, n_rings: int, rng: np.random.Generator,
               designs: tuple[str, ...] = ()) -> list[tuple[str, int]]:
    """(design, size) per ring: a 37-account brushing loop first when the world is big enough.

    Designs rotate through `designs` (default: the three classic kinds).
    """
    budget = int(n_accounts * 0.15)
    out: list[tuple[str, int]] = []
    if n_rings and n_accounts >= 10 * BIG_LOOP:
        out.append(("brushing_loop", BIG_LOOP))
        budget -= BIG_LOOP
    cycle = designs or ("coupon_abuse", "return_fraud", "brushing_loop")
    for i in range(n_rings - len(out)):
        size = int(np.exp(rng.uniform(np.log(4), np.log(31))))
        size = max(3, min(size, budget // max(1, n_rings - len(out))))
        out.append((cycle[i % len(cycle)], size))
        budget -= size
    return out


def _modalities(design: str, difficulty: str, rng: np.random.Generator) -> frozenset[str]:
    kind, mods = DESIGNS[design]
    if design != kind:  # the newer designs fix what they show; difficulty sets participation only
        return frozenset(mods)
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
                coupons: tuple[str, ...], rng: np.random.Generator,
                designs: tuple[str, ...] = ()) -> tuple[pl.DataFrame, tuple[Ring, ...]]:
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
    for r, (design, size) in enumerate(ring_sizes(n, n_rings, rng, designs)):
        kind = DESIGNS[design][0]
        lang = "zh" if rng.random() < 0.8 else "en"
        avail = order[~taken[order]]
        same = avail[langs[avail] == lang][:size]  # rings recruit mostly within one language
        members = np.concatenate([same, avail[langs[avail] != lang][: size - len(same)]])
        taken[members] = True
        mods = _modalities(design, difficulty, rng)
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
        if design != kind:  # the newer designs draw their extras after the classic draws
            ring = _redesign(ring, design, rng)
        rings.append(ring)
        joins = rng.random(len(members)) < ring.participation
        if ring.uses("fresh_accounts"):  # batch-registered shortly before the world's end
            burst = int(WORLD_END.timestamp()) - int(rng.integers(5, 25)) * 86400
            created[members[joins]] = burst + rng.integers(0, 2 * 86400, int(joins.sum()))
        if ring.uses("shared_devices"):
            reg_dev[members[joins]] = np.array(ring.devices)[rng.integers(n_dev, size=int(joins.sum()))]
        if ring.uses("shared_ips"):
            reg_ip[members[joins]] = np.array(ring.ips)[rng.integers(len(ips), size=int(joins.sum()))]
        if ring.uses("clean_devices"):  # each member registered on its own clean phone
            reg_dev[members] = np.array(ring.devices)
            reg_ip[members] = np.array(ring.ips)
    ring_of = np.full(n, "", dtype=object)
    for ring in rings:
        ring_of[list(ring.members)] = ring.ring_id
    updated = accounts.with_columns(created=pl.Series(created), register_device=pl.Series(reg_dev.astype(str)),
                                    register_ip=pl.Series(reg_ip.astype(str)), ring_id=pl.Series(ring_of.astype(str)))
    return updated, tuple(rings)


def _redesign(ring: Ring, design: str, rng: np.random.Generator) -> Ring:
    """The design's own devices, IPs and ties (`clean_devices`: one device and home-like IP per member)."""
    size = len(ring.members)
    devices, uas, ips = ring.devices, ring.uas, ring.ips
    if "clean_devices" in ring.modalities:
        devices = tuple(str(d) for d in hex_ids(rng, size))
        uas = tuple(MOBILE_UAS[int(i)] for i in rng.integers(len(MOBILE_UAS), size=size))
        home_isp = np.array(ZH_ISP_PREFIXES if ring.lang == "zh" else EN_ISP_PREFIXES)
        ips = tuple(str(x) for x in ips_in(home_isp[rng.integers(len(home_isp), size=size)], rng, 2))
    links: list[tuple[int, int, str, str]] = []
    if design == "mosaic":
        zh = ring.lang == "zh"
        isp = np.array(ZH_ISP_PREFIXES if zh else EN_ISP_PREFIXES)
        for i, (a, b) in enumerate(zip(ring.members, ring.members[1:], strict=False)):
            tie = CHAIN_TIES[i % len(CHAIN_TIES)]
            if tie == "device":
                value = str(hex_ids(rng, 1)[0])
            elif tie == "ip":
                value = str(ips_in(isp[rng.integers(len(isp), size=1)], rng, 2)[0])
            elif tie == "address":
                value = random_addr(ring.lang, rng).canonical()
            else:
                value = str(phone_digits(np.array([zh]), rng)[0])
            links.append((a, b, tie, value))
    return replace(ring, design=design, devices=devices, uas=uas, ips=ips, links=tuple(links))


def rings_table(rings: tuple[Ring, ...], accounts: pl.DataFrame) -> pl.DataFrame:
    """truth rings.csv rows: ring_id, kind, account_id, role (+ idx for internal joins)."""
    ids = accounts["account_id"].to_numpy()
    rows = [(r.ring_id, r.kind, str(ids[m]), "organizer" if i == 0 else "member", m)
            for r in rings for i, m in enumerate(r.members)]
    return pl.DataFrame(rows, schema={"ring_id": pl.Utf8, "kind": pl.Utf8, "account_id": pl.Utf8,
                                      "role": pl.Utf8, "idx": pl.Int64}, orient="row")
