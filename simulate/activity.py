"""One day of ordinary activity, vectorized: orders, returns, complaint calls, app sessions.

Frames here are internal (they carry account indices and truth columns such as ring_id);
`day.py` joins ids and `writer.py` keeps only the input-contract columns. Orders are keyed by
`okey` (row number) until order ids are assigned, so returns and calls can refer to them.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from simulate.addresses import written_expr
from simulate.ids import ips_in, phone_digits, phone_written_expr
from simulate.vocab import CGNAT_PREFIXES, PROXY_PREFIXES

# share of the day's activity per local hour (evening peak, quiet night)
HOUR_WEIGHTS = np.array([2, 1, 1, 0.5, 0.5, 0.5, 1, 2, 3, 4, 5, 5, 6, 5, 5, 5, 5, 5, 6, 7, 8, 9, 7, 4], float)
RETURN_REASONS = ("size_fit", "damaged", "wrong_item", "not_as_described", "changed_mind", "empty_parcel")
RETURN_REASON_P = (0.3, 0.2, 0.15, 0.2, 0.12, 0.03)
COUPON_SHARE = 0.15
SECOND_DEVICE_SHARE = 0.5  # activity on an account's second device (for families: the shared tablet)
CALL_SHARE = 0.10  # orders that lead to a complaint call the same day
BROWSE_RATE = 0.2  # sessions without an order, per account per day

ORDER_SCHEMA = {"okey": pl.Int64, "buyer": pl.Int64, "seller": pl.Int64, "amount": pl.Float64,
                "coupon_id": pl.Utf8, "ship_address": pl.Utf8, "ship_phone": pl.Utf8, "device_id": pl.Utf8,
                "ip": pl.Utf8, "ua": pl.Utf8, "ts": pl.Int64, "ring_id": pl.Utf8, "loop": pl.Boolean}


def times_of_day(rng: np.random.Generator, n: int, day_start: int) -> np.ndarray:
    """n unix-second timestamps inside the day, following HOUR_WEIGHTS."""
    hours = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    return day_start + hours * 3600 + rng.integers(0, 3600, n)


def cgnat_ips(rng: np.random.Generator, n: int) -> np.ndarray:
    """Mobile-carrier NAT addresses: a small pool, so many strangers share each one.

    About 3% are data-centre addresses instead (VPN users), the ranges farms rent as proxies.
    """
    prefixes = np.array(CGNAT_PREFIXES)[rng.integers(len(CGNAT_PREFIXES), size=n)]
    mobile = np.char.add(np.char.add(prefixes, "."), rng.integers(1, 40, n).astype(str))
    vpn = ips_in(np.array(PROXY_PREFIXES)[rng.integers(len(PROXY_PREFIXES), size=n)], rng, 2)
    return np.where(rng.random(n) < 0.03, vpn, mobile)


def benign_orders(accounts: pl.DataFrame, sellers: pl.DataFrame, coupons: tuple[str, ...],
                  rng: np.random.Generator, day_start: int) -> pl.DataFrame:
    """Everyone's ordinary shopping (ring members too: that is their camouflage)."""
    k = rng.poisson(accounts["order_rate"].to_numpy())
    rows = accounts[np.repeat(np.arange(accounts.height), k)]
    n = rows.height
    s_idx = sellers["idx"].to_numpy()
    pick = rng.choice(len(s_idx), size=n, p=sellers["weight"].to_numpy())
    buyer = rows["idx"].to_numpy()
    pick = np.where(s_idx[pick] == buyer, (pick + 1) % len(s_idx), pick)  # nobody buys from their own shop
    price = sellers["price"].to_numpy()[pick]
    amount = np.maximum(1.0, np.round(price * np.exp(rng.normal(0, 0.5, n)), 2))
    coupon = np.where(rng.random(n) < COUPON_SHARE, np.array(coupons)[rng.integers(len(coupons), size=n)], "")
    use2 = (rows["device2"].to_numpy() != "") & (rng.random(n) < SECOND_DEVICE_SHARE)
    home = rng.random(n) < 0.65
    override = (rows["ship_override"].to_numpy() != "") & (rng.random(n) < 0.85)
    style = np.where(rng.random(n) < 0.7, 0, rng.integers(1, 4, n))
    pstyle = np.where(rng.random(n) < 0.8, rows["phone_style"].to_numpy(), rng.integers(0, 4, n))
    frame = rows.with_columns(
        okey=pl.Series(np.arange(n, dtype=np.int64)), buyer=pl.col("idx"), seller=pl.Series(s_idx[pick]),
        amount=pl.Series(amount), coupon_id=pl.Series(coupon),
        ship_address=pl.when(pl.Series(override)).then(pl.col("ship_override")).otherwise(
            written_expr(pl.lit(pl.Series(style)))),
        ship_phone=phone_written_expr("phone", pl.lit(pl.Series(pstyle))),
        device_id=pl.when(pl.Series(use2)).then(pl.col("device2")).otherwise(pl.col("device1")),
        ua=pl.when(pl.Series(use2)).then(pl.col("ua2")).otherwise(pl.col("ua1")),
        ip=pl.when(pl.Series(home)).then(pl.col("home_ip")).otherwise(pl.Series(cgnat_ips(rng, n))),
        ts=pl.Series(times_of_day(rng, n, day_start)), ring_id=pl.lit(""), loop=pl.lit(False),
    )
    return frame.select(list(ORDER_SCHEMA)).cast(ORDER_SCHEMA)  # type: ignore[arg-type]


RETURN_SCHEMA = {"okey": pl.Int64, "buyer": pl.Int64, "reason": pl.Utf8, "ts": pl.Int64, "ring_id": pl.Utf8,
                 "label_address": pl.Utf8, "drop_canonical": pl.Utf8, "variant_kind": pl.Utf8}


def benign_returns(orders: pl.DataFrame, accounts: pl.DataFrame, rng: np.random.Generator,
                   day_end: int) -> pl.DataFrame:
    """Ordinary returns of any order (same day, a few hours later); the label shows the order's address."""
    rate = accounts["return_rate"].to_numpy()[orders["buyer"].to_numpy()]
    chosen = orders.filter(pl.Series(rng.random(orders.height) < rate))
    n = chosen.height
    reason = np.array(RETURN_REASONS)[rng.choice(len(RETURN_REASONS), size=n, p=RETURN_REASON_P)]
    ts = np.minimum(chosen["ts"].to_numpy() + rng.integers(3600, 8 * 3600, n), day_end - rng.integers(1, 600, n))
    return chosen.select(
        "okey", "buyer", reason=pl.Series(reason), ts=pl.Series(np.maximum(ts, chosen["ts"].to_numpy() + 60)),
        ring_id=pl.lit(""), label_address=pl.col("ship_address"), drop_canonical=pl.lit(""), variant_kind=pl.lit(""),
    ).cast(RETURN_SCHEMA)  # type: ignore[arg-type]


CALL_SCHEMA = {"okey": pl.Int64, "buyer": pl.Int64, "caller_phone": pl.Utf8, "show_account": pl.Boolean,
               "spoken_phone": pl.Utf8, "ts": pl.Int64, "intent": pl.Utf8, "ring_id": pl.Utf8}
_INTENT_OF_REASON = {"damaged": "damaged", "wrong_item": "wrong_item", "empty_parcel": "empty_parcel"}


def benign_calls(orders: pl.DataFrame, returns: pl.DataFrame, accounts: pl.DataFrame,
                 rng: np.random.Generator, day_end: int) -> pl.DataFrame:
    """Some buyers phone customer service about an order of theirs."""
    chosen = orders.filter(pl.Series(rng.random(orders.height) < CALL_SHARE))
    n = chosen.height
    reason = chosen.join(returns.select("okey", "reason"), on="okey", how="left")["reason"].to_numpy()
    generic = np.array(["not_received", "refund", "coupon", "account_access"])[rng.integers(4, size=n)]
    intent = np.array([_INTENT_OF_REASON.get(r, "refund") if r is not None else g for r, g in zip(reason, generic,
                                                                                                   strict=True)])
    intent = np.where((intent == "coupon") & (chosen["coupon_id"].to_numpy() == ""), "not_received", intent)
    phones = accounts["phone"].to_numpy()[chosen["buyer"].to_numpy()]
    is_zh = np.char.str_len(phones.astype(str)) == 11
    other = phone_digits(is_zh, rng)
    caller = np.where(rng.random(n) < 0.8, phones, other)
    ts = np.minimum(chosen["ts"].to_numpy() + rng.integers(600, 6 * 3600, n), day_end - rng.integers(1, 600, n))
    return pl.DataFrame({
        "okey": chosen["okey"], "buyer": chosen["buyer"], "caller_phone": caller,
        "show_account": rng.random(n) < 0.6, "spoken_phone": phones.astype(str),
        "ts": np.maximum(ts, chosen["ts"].to_numpy() + 60), "intent": intent, "ring_id": np.full(n, ""),
    }).cast(CALL_SCHEMA)  # type: ignore[arg-type]

