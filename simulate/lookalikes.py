"""Benign look-alikes: honest groups that share what fraud rings share.

- family: 2-5 accounts, one home address, one home IP, one shared family device (on which
  half of the members also registered).
- campus_nat: a dormitory or office behind one NAT IP (tens to hundreds of accounts), same
  building with different rooms.
- parcel_locker: many accounts shipping to one locker address.
- power_shopper: single accounts with many orders and many returns.
- reseller: 1-3 staff accounts buying in bulk to one warehouse, sharing a device.

A detector that flags these is wrong; lookalikes.csv lists them so evaluation can say so.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from simulate.addresses import canonical_expr, random_addr
from simulate.vocab import LOCKERS_EN, LOCKERS_ZH

LOOKALIKE_KINDS = ("family", "campus_nat", "parcel_locker", "power_shopper", "reseller")


def _sizes(kind: str, n: int, rng: np.random.Generator) -> list[int]:
    if kind == "family":
        return [int(s) for s in rng.integers(2, 6, max(2, n // 50))]
    if kind == "campus_nat":
        return [int(np.clip(n * 0.03, 15, 400))] * int(np.clip(n // 20000, 1, 50))
    if kind == "parcel_locker":
        return [int(np.clip(n * 0.01, 8, 150))] * int(np.clip(n // 10000, 1, 100))
    if kind == "power_shopper":
        return [1] * int(np.clip(n // 200, 3, 5000))
    return [int(s) for s in rng.integers(1, 4, int(np.clip(n // 1000, 2, 1000)))]


def plant_lookalikes(accounts: pl.DataFrame, rng: np.random.Generator) -> tuple[pl.DataFrame, pl.DataFrame, np.ndarray]:
    """Returns (accounts with the groups planted, lookalikes table, indices of reseller heads)."""
    n = accounts.height
    cols = {c: accounts[c].to_numpy().copy() for c in
            ("home_ip", "register_ip", "register_device", "device2", "ua2", "ua1", "device1", "persona", "order_rate", "return_rate",
             "ship_override", "a_lang", "a_prov", "a_city", "a_dist", "a_street", "a_num", "a_unit", "a_post")}
    for c in ("home_ip", "register_ip", "register_device", "device2", "ua2", "persona", "ship_override", "a_unit", "a_street",
              "a_num", "a_prov", "a_city", "a_dist", "a_post", "a_lang"):
        cols[c] = cols[c].astype(object)
    order = rng.permutation(n)
    pos = 0
    rows: list[tuple[str, str, np.ndarray]] = []
    reseller_heads: list[int] = []
    for kind in LOOKALIKE_KINDS:
        for g, size in enumerate(_sizes(kind, n, rng)):
            if pos + size > n // 3:  # leave room for everyone else
                break
            members = order[pos:pos + size]
            pos += size
            rows.append((f"L{kind[:2].upper()}{g:05d}", kind, members))
            _apply(kind, members, cols, rng)
            if kind == "reseller":
                reseller_heads.append(int(members[0]))
    updated = accounts.with_columns(**{c: pl.Series(c, v.astype(str) if v.dtype == object else v)
                                       for c, v in cols.items()})
    updated = updated.with_columns(home_address=canonical_expr())
    ids = accounts["account_id"].to_numpy()
    table = pl.DataFrame({
        "group_id": [gid for gid, _, m in rows for _ in m],
        "kind": [kind for _, kind, m in rows for _ in m],
        "account_id": np.concatenate([ids[m] for _, _, m in rows]) if rows else [],
        "idx": np.concatenate([m for _, _, m in rows]) if rows else [],
    }, schema={"group_id": pl.Utf8, "kind": pl.Utf8, "account_id": pl.Utf8, "idx": pl.Int64})
    return updated, table, np.array(reseller_heads, dtype=np.int64)


_ADDR = ("a_lang", "a_prov", "a_city", "a_dist", "a_street", "a_num", "a_unit", "a_post")


def _apply(kind: str, m: np.ndarray, c: dict[str, np.ndarray], rng: np.random.Generator) -> None:
    head = m[0]
    if kind == "family":
        for col in (*_ADDR, "home_ip"):
            c[col][m] = c[col][head]
        c["device2"][m[1:]] = c["device1"][head]  # the family tablet
        c["ua2"][m[1:]] = c["ua1"][head]
        on_tablet = m[1:][rng.random(len(m) - 1) < 0.5]  # kids and grandparents sign up on it
        c["register_device"][on_tablet] = c["device1"][head]
    elif kind == "campus_nat":
        nat = f"{rng.integers(1, 223)}.{rng.integers(0, 255)}.{rng.integers(0, 255)}.{rng.integers(1, 255)}"
        c["home_ip"][m] = nat
        c["register_ip"][m[rng.random(len(m)) < 0.7]] = nat
        for col in (*_ADDR[:-3], "a_post"):  # one building
            c[col][m] = c[col][head]
        c["a_num"][m] = c["a_num"][head]
        c["a_unit"][m] = c["a_unit"][head] if c["a_lang"][head] == "en" else [
            f"{int(rng.integers(1, 12))}栋{int(rng.integers(101, 640))}" for _ in m]
    elif kind == "parcel_locker":
        lang = str(c["a_lang"][head])
        addr = random_addr(lang, rng)
        lockers = LOCKERS_ZH if lang == "zh" else LOCKERS_EN
        name = lockers[int(rng.integers(len(lockers)))]
        base = addr.canonical()
        c["ship_override"][m] = base + name if lang == "zh" else f"{name}, {base}"
        c["order_rate"][m] *= 1.5
    elif kind == "power_shopper":
        c["persona"][m] = "power"
        c["order_rate"][m] = rng.uniform(1.5, 3.0, len(m))
        c["return_rate"][m] = rng.uniform(0.3, 0.6, len(m))
    else:
        addr = random_addr(str(c["a_lang"][head]), rng)
        c["persona"][m] = "reseller"
        c["order_rate"][m] = rng.uniform(2.0, 5.0, len(m))
        c["return_rate"][m] = rng.uniform(0.02, 0.08, len(m))
        c["ship_override"][m] = addr.canonical()
        c["device2"][m] = c["device1"][head]
        c["ua2"][m] = c["ua1"][head]
        c["register_device"][m] = c["device1"][head]  # accounts opened on the shop's phone
