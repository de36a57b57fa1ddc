"""The world: accounts, their devices, networks and homes, shops, and benign look-alike groups.

A function of (seed, accounts) only, so every simulated day of one seed sees the same people.
Account creation times are absolute (between WORLD_START and WORLD_END); a day before
WORLD_END sees only the accounts created by then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from simulate.addresses import ADDR_COLUMNS, address_parts, canonical_expr
from simulate.ids import TZ, hex_ids, ips_in, phone_digits, unique_numbers
from simulate.vocab import (
    EMULATOR_UAS,
    EN_FIRST,
    EN_ISP_PREFIXES,
    EN_LAST,
    MOBILE_UAS,
    SHOP_WORDS_EN,
    SHOP_WORDS_ZH,
    ZH_GIVEN,
    ZH_ISP_PREFIXES,
    ZH_SURNAMES,
)

WORLD_START = dt.datetime(2024, 1, 1, tzinfo=TZ)
WORLD_END = dt.datetime(2026, 11, 15, tzinfo=TZ)
SELLER_SHARE = 0.03  # accounts that own a shop


@dataclass(frozen=True)
class World:
    """accounts: one row per account (see `make_accounts`); sellers: account rows owning a shop."""

    accounts: pl.DataFrame
    sellers: pl.DataFrame  # account index `idx`, shop_name, weight (share of benign orders), price level
    lookalikes: pl.DataFrame  # group_id, kind, account_id
    coupons: tuple[str, ...]  # public coupon campaigns (anyone may claim; rings abuse them)


def _names(is_zh: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(is_zh)
    given2 = rng.random(n) < 0.6
    zh = (np.array(ZH_SURNAMES)[rng.integers(len(ZH_SURNAMES), size=n)].astype(object)
          + np.array(ZH_GIVEN)[rng.integers(len(ZH_GIVEN), size=n)].astype(object)
          + np.where(given2, np.array(ZH_GIVEN)[rng.integers(len(ZH_GIVEN), size=n)], "").astype(object))
    en = (np.array(EN_FIRST)[rng.integers(len(EN_FIRST), size=n)].astype(object) + " "
          + np.array(EN_LAST)[rng.integers(len(EN_LAST), size=n)].astype(object))
    return np.where(is_zh, zh, en).astype(str)


def make_accounts(n: int, rng: np.random.Generator) -> pl.DataFrame:
    """n accounts: ids, language, name, phone, home address, devices, user agents, home IP."""
    is_zh = rng.random(n) < 0.75
    span = int((WORLD_END - WORLD_START).total_seconds())
    # growth: more recent accounts are more common (sqrt gives a rising density)
    created = int(WORLD_START.timestamp()) + (np.sqrt(rng.random(n)) * span).astype(np.int64)
    isp = np.where(is_zh, np.array(ZH_ISP_PREFIXES)[rng.integers(len(ZH_ISP_PREFIXES), size=n)],
                   np.array(EN_ISP_PREFIXES)[rng.integers(len(EN_ISP_PREFIXES), size=n)])
    home_ip = ips_in(isp, rng, 2)
    has2 = rng.random(n) < 0.3
    dev2 = np.where(has2, hex_ids(rng, n), "")
    ua = np.array(MOBILE_UAS)
    old = np.array(EMULATOR_UAS)  # old Android builds: farms fake them, but some people still own one
    frame = pl.DataFrame({
        "idx": np.arange(n, dtype=np.int64),
        "account_id": np.char.add("U", unique_numbers(rng, n, 8).astype(str)),
        "lang": np.where(is_zh, "zh", "en"),
        "name": _names(is_zh, rng),
        "phone": phone_digits(is_zh, rng),
        "phone_style": rng.integers(0, 4, n),
        "created": created,
        "device1": hex_ids(rng, n),
        "ua1": np.where(rng.random(n) < 0.01, old[rng.integers(len(old), size=n)], ua[rng.integers(len(ua), size=n)]),
        "device2": dev2,
        "ua2": np.where(has2, ua[rng.integers(len(ua), size=n)], ""),
        "home_ip": home_ip,
        "persona": np.full(n, "normal"),
        "order_rate": rng.gamma(2.0, 0.15, n),  # expected orders per active day
        "return_rate": rng.beta(1.5, 9, n),
        "ship_override": np.full(n, ""),
    })
    addr = address_parts(is_zh, rng)
    frame = pl.concat([frame, addr], how="horizontal")
    # registration happens on the first device, usually from home
    reg_home = rng.random(n) < 0.8
    return frame.with_columns(
        register_device=pl.col("device1"),
        register_ip=pl.when(pl.Series(reg_home)).then(pl.col("home_ip")).otherwise(
            pl.Series(ips_in(isp, rng, 2))),
        home_address=canonical_expr(),
    )


def make_sellers(accounts: pl.DataFrame, rng: np.random.Generator, share: float = SELLER_SHARE) -> pl.DataFrame:
    """Shops: `share` of the accounts, with Zipf-like popularity and a price level."""
    n = accounts.height
    k = min(n, max(10, int(n * share)))
    idx = np.sort(rng.choice(n, size=k, replace=False))
    weight = 1.0 / (1 + rng.permutation(k)) ** 0.9
    rows = accounts[idx]
    is_zh = (rows["lang"] == "zh").to_numpy()
    words = np.where(is_zh, np.array(SHOP_WORDS_ZH)[rng.integers(len(SHOP_WORDS_ZH), size=k)],
                     np.array(SHOP_WORDS_EN)[rng.integers(len(SHOP_WORDS_EN), size=k)])
    shop = np.where(is_zh, np.char.add(rows["name"].to_numpy().astype(str), words),
                    np.char.add(np.char.add(rows["name"].to_numpy().astype(str), " "), words))
    return pl.DataFrame({"idx": rows["idx"], "shop_name": shop, "weight": weight / weight.sum(),
                         "price": np.round(np.exp(rng.normal(4.0, 0.9, k)), 2)})


def seller_frame(world: World) -> pl.DataFrame:
    """Seller rows joined with their account's phone and address (for label senders)."""
    cols = ["idx", "account_id", "lang", "phone", *ADDR_COLUMNS]
    return world.sellers.join(world.accounts.select(cols), on="idx", how="left")
