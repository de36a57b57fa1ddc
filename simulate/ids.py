"""Identifiers, phones, IPs and timestamps, generated and formatted for many rows at once."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from simulate.errors import SimulateError
from simulate.vocab import US_AREA_CODES

TZ_NAME = "Asia/Shanghai"  # the platform's clock; every timestamp is written with +08:00
TZ = dt.timezone(dt.timedelta(hours=8))
EPOCH_DAY = dt.date(2020, 1, 1)  # day numbers in order / return / call ids count from here


def day_number(date: dt.date) -> int:
    return (date - EPOCH_DAY).days


def day_start(date: dt.date) -> int:
    """Unix seconds of local midnight starting `date`."""
    return int(dt.datetime(date.year, date.month, date.day, tzinfo=TZ).timestamp())


def hex_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """n opaque 16-hex-digit ids (device ids), as a numpy str array."""
    raw = rng.integers(0, 2**63, size=n, dtype=np.int64).astype(">u8").tobytes().hex().encode()
    return np.frombuffer(raw, dtype="S16").astype(str)


def unique_numbers(rng: np.random.Generator, n: int, digits: int) -> np.ndarray:
    """n distinct random integers with exactly `digits` digits (no leading zero)."""
    low = 10 ** (digits - 1)
    return low + rng.choice(9 * low, size=n, replace=False)


def day_ids(prefix: str, date: dt.date, rng: np.random.Generator, n: int, digits: int) -> np.ndarray:
    """Ids unique across days: 4 digits of day number, then distinct random digits."""
    tail = digits - 4
    if n > 10**tail:
        raise SimulateError(f"too many ids for one day ({n} > {10**tail}); lower --accounts or use longer ids")
    if n == 0:
        return np.array([], dtype=str)
    nums = rng.choice(10**tail, size=n, replace=False)
    body = np.char.zfill(nums.astype(str), tail)
    return np.char.add(f"{prefix}{day_number(date):04d}", body)


def phone_digits(is_zh: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Chinese mobiles (11 digits, 1[3-9]...) or US numbers (10 digits, area code first)."""
    n = len(is_zh)
    second = rng.integers(3, 10, n).astype(str)
    zh = np.char.add(np.char.add("1", second), np.char.zfill(rng.integers(0, 10**9, n).astype(str), 9))
    area = np.array(US_AREA_CODES)[rng.integers(len(US_AREA_CODES), size=n)]
    en = np.char.add(np.char.add(area, rng.integers(200, 1000, n).astype(str)),
                     np.char.zfill(rng.integers(0, 10**4, n).astype(str), 4))
    return np.where(is_zh, zh, en)


def phone_written_expr(digits: str, style: pl.Expr) -> pl.Expr:
    """How a phone gets typed: 4 styles per country (see the input contract's examples)."""
    d = pl.col(digits)
    zh = d.str.len_chars() == 11
    zh_forms = [d, pl.concat_str([d.str.slice(0, 3), d.str.slice(3, 4), d.str.slice(7, 4)], separator=" "),
                pl.lit("+86 ") + d, pl.concat_str([d.str.slice(0, 3), d.str.slice(3, 4), d.str.slice(7, 4)],
                                                  separator="-")]
    us = pl.concat_str([d.str.slice(0, 3), d.str.slice(3, 3), d.str.slice(6, 4)], separator="-")
    en_forms = [pl.lit("+1 ") + us, pl.concat_str([pl.lit("("), d.str.slice(0, 3), pl.lit(") "), d.str.slice(3, 3),
                                                   pl.lit("-"), d.str.slice(6, 4)]), us, pl.lit("+1") + d]
    expr = pl.when(zh & (style == 0)).then(zh_forms[0])
    for i in range(1, 4):
        expr = expr.when(zh & (style == i)).then(zh_forms[i])  # type: ignore[assignment]
    for i in range(4):
        expr = expr.when(style == i).then(en_forms[i])  # type: ignore[assignment]
    return expr.otherwise(en_forms[0])


def write_phone(digits: str, style: int) -> str:
    """Python twin of `phone_written_expr` for single values."""
    return str(pl.DataFrame({"d": [digits]}).select(phone_written_expr("d", pl.lit(style))).item())


def e164(digits: str) -> str:
    return f"+86{digits}" if len(digits) == 11 else f"+1{digits}"


def ips_in(prefixes: np.ndarray, rng: np.random.Generator, octets: int) -> np.ndarray:
    """Random addresses completing each prefix with `octets` more octets (1-254 each)."""
    out = prefixes.astype(object)
    for _ in range(octets):
        out = out + "." + rng.integers(1, 255, len(prefixes)).astype(str).astype(object)
    return out.astype(str)


def iso_expr(col: str) -> pl.Expr:
    """Unix seconds -> ISO 8601 with the platform offset, e.g. 2026-11-27T09:15:02+08:00."""
    return (pl.from_epoch(pl.col(col), time_unit="s").dt.replace_time_zone("UTC")
            .dt.convert_time_zone(TZ_NAME).dt.strftime("%Y-%m-%dT%H:%M:%S%:z"))
