"""One simulated day: the world's accounts plus the day's orders, returns, calls and sessions.

Everything random here is drawn from generators seeded by (seed, day number, stream), so the
same config gives the same rows; media items get their own seeds so a process pool can
render them in any order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from simulate.activity import (
    BROWSE_RATE,
    SECOND_DEVICE_SHARE,
    benign_calls,
    benign_orders,
    benign_returns,
    cgnat_ips,
    times_of_day,
)
from simulate.addresses import Addr, addr_from_row, written_expr
from simulate.build import BuiltWorld
from simulate.clicks import SESSION_SCHEMA
from simulate.config import SimConfig
from simulate.ids import day_ids, day_number, day_start, e164, write_phone
from simulate.media.parcel import LabelText
from simulate.media.speech import Voice, pick_voice
from simulate.ring_activity import ring_day
from simulate.scripts import write_script


@dataclass(frozen=True)
class LabelPlan:
    return_id: str
    text: LabelText
    addr: Addr  # canonical recipient address
    seed: tuple[int, ...]


@dataclass(frozen=True)
class CallPlan:
    call_id: str
    language: str
    text: str
    intent: str
    order_ids: tuple[str, ...]
    phones: tuple[str, ...]  # E.164
    voice: Voice
    audio: str  # relative path, "" when not rendered


@dataclass(frozen=True)
class Day:
    accounts: pl.DataFrame  # alive accounts (internal columns)
    orders: pl.DataFrame  # + order_id, account_id, seller_id
    returns: pl.DataFrame  # + return_id, order_id, account_id, photo
    calls: pl.DataFrame  # + call_id, account_id, audio
    sessions: pl.DataFrame  # SESSION_SCHEMA
    labels: tuple[LabelPlan, ...]  # one per return that gets a photo
    scripts: tuple[CallPlan, ...]  # one per call


def _audio_ext(rng: np.random.Generator) -> str:
    r = rng.random()
    return "mp3" if r < 0.08 else "flac" if r < 0.12 else "wav"


def _tracking(lang: str, rng: np.random.Generator) -> str:
    if lang == "zh":
        return "SF" + "".join(str(d) for d in rng.integers(0, 10, 13))
    return "1Z" + "".join(str(c) for c in rng.choice(list("0123456789ABCDEFGHJKLMNPRTUVWXY"), 16))


def plan_day(cfg: SimConfig, built: BuiltWorld) -> Day:
    world = built.world
    rng = np.random.default_rng([cfg.seed, day_number(cfg.date), 1])
    start = day_start(cfg.date)
    end = start + 86400
    acc = world.accounts
    alive = (acc["created"] < end).to_numpy()
    live = acc.filter(pl.Series(alive))
    sellers = world.sellers.filter(pl.Series(alive[world.sellers["idx"].to_numpy()]))
    sellers = sellers.with_columns(weight=pl.col("weight") / pl.col("weight").sum())

    if cfg.order_rate_scale != 1.0:
        live = live.with_columns(order_rate=pl.col("order_rate") * cfg.order_rate_scale)
    orders = benign_orders(live, sellers, world.coupons, rng, start)
    rd = ring_day(built.rings, acc, sellers, alive, rng, start, orders.height)
    r_orders, r_returns, r_calls, r_sessions = rd.frames()
    orders = pl.concat([orders, r_orders])
    ids = acc["account_id"].to_numpy().astype(str)
    order_ids = day_ids("", cfg.date, rng, orders.height, cfg.order_id_digits)
    orders = orders.with_columns(order_id=pl.Series(order_ids[orders["okey"].to_numpy()]),
                                 account_id=pl.Series(ids[orders["buyer"].to_numpy()]),
                                 seller_id=pl.Series(ids[orders["seller"].to_numpy()]))

    returns = benign_returns(orders.filter(pl.col("ring_id") == ""), acc, rng, end)
    style = pl.lit(pl.Series(np.where(rng.random(returns.height) < 0.7, 0, rng.integers(1, 4, returns.height))))
    home_label = acc[returns["buyer"].to_numpy()].select(written_expr(style).alias("w"))["w"]
    returns = pl.concat([returns.with_columns(label_address=home_label), r_returns]).sort("ts", "okey")
    returns = returns.with_columns(
        return_id=pl.Series(day_ids("R", cfg.date, rng, returns.height, cfg.order_id_digits - 1)),
        order_id=pl.Series(order_ids[returns["okey"].to_numpy()]),
        account_id=pl.Series(ids[returns["buyer"].to_numpy()]),
        has_photo=pl.Series(rng.random(returns.height) < cfg.media_fraction))
    returns = returns.with_columns(photo=pl.when("has_photo").then(
        pl.concat_str([pl.lit("parcels/"), "return_id", pl.lit(".jpg")])).otherwise(pl.lit("")))

    calls = pl.concat([benign_calls(orders, returns, acc, rng, end), r_calls]).sort("ts", "okey")
    n_calls = calls.height
    exts = np.array([_audio_ext(rng) for _ in range(n_calls)], dtype=object)
    has_audio = rng.random(n_calls) < (cfg.media_fraction if cfg.audio_fraction is None else cfg.audio_fraction)
    call_ids = day_ids("C", cfg.date, rng, n_calls, cfg.order_id_digits - 1)
    audio = np.where(has_audio, np.char.add(np.char.add(np.char.add("calls/", call_ids), "."), exts.astype(str)), "")
    calls = calls.with_columns(call_id=pl.Series(call_ids), audio=pl.Series(audio),
                               order_id=pl.Series(order_ids[calls["okey"].to_numpy()]),
                               account_id=pl.when("show_account").then(
                                   pl.Series(ids[calls["buyer"].to_numpy()])).otherwise(pl.lit("")))

    sessions = pl.concat([_benign_sessions(orders.filter(pl.col("ring_id") == ""), live, rng, start), r_sessions])
    return Day(live, orders, returns, calls, sessions, _label_plans(cfg, built, returns, orders, rng),
               _call_plans(cfg, acc, calls, rng))


def _benign_sessions(orders: pl.DataFrame, live: pl.DataFrame, rng: np.random.Generator, start: int) -> pl.DataFrame:
    """One session per order (ending at the order) plus browse-only sessions."""
    order_s = orders.select(
        "buyer", "device_id", "ip", "ua", anchor=pl.col("ts"),
        kind=pl.when(pl.col("coupon_id") != "").then(pl.lit("coupon_order")).otherwise(pl.lit("order")),
        dwell_ms=pl.lit(0, pl.Int64), ring_id=pl.lit(""))
    k = rng.poisson(BROWSE_RATE, live.height)
    rows = live[np.repeat(np.arange(live.height), k)]
    n = rows.height
    use2 = (rows["device2"].to_numpy() != "") & (rng.random(n) < SECOND_DEVICE_SHARE)
    browse = rows.select(
        buyer=pl.col("idx"),
        device_id=pl.when(pl.Series(use2)).then(pl.col("device2")).otherwise(pl.col("device1")),
        ip=pl.when(pl.Series(rng.random(n) < 0.65)).then(pl.col("home_ip")).otherwise(pl.Series(cgnat_ips(rng, n))),
        ua=pl.when(pl.Series(use2)).then(pl.col("ua2")).otherwise(pl.col("ua1")),
        anchor=pl.Series(times_of_day(rng, n, start)), kind=pl.lit("browse"), dwell_ms=pl.lit(0, pl.Int64),
        ring_id=pl.lit(""))
    return pl.concat([order_s.cast(SESSION_SCHEMA), browse.cast(SESSION_SCHEMA)])  # type: ignore[arg-type]


def _label_plans(cfg: SimConfig, built: BuiltWorld, returns: pl.DataFrame, orders: pl.DataFrame,
                 rng: np.random.Generator) -> tuple[LabelPlan, ...]:
    acc = built.world.accounts
    drops = {d.addr.canonical(): d.addr for r in built.rings for d in r.drops}
    shops = built.world.sellers.select("idx", "shop_name")
    photo = returns.filter("has_photo").join(orders.select("okey", "seller"), on="okey", how="left")
    photo = photo.join(shops, left_on="seller", right_on="idx", how="left")
    plans = []
    day = day_number(cfg.date)
    for i, r in enumerate(photo.iter_rows(named=True)):
        buyer = acc.row(int(r["buyer"]), named=True)
        seller = acc.row(int(r["seller"]), named=True)
        addr = drops[r["drop_canonical"]] if r["drop_canonical"] else addr_from_row(buyer)
        lang = addr.language
        text = LabelText(
            language=lang, recipient_name=str(buyer["name"]),
            recipient_phone=write_phone(str(buyer["phone"]), int(rng.integers(0, 4))),
            recipient_address=str(r["label_address"]), sender_name=str(r["shop_name"] or seller["name"]),
            sender_phone=write_phone(str(seller["phone"]), int(rng.integers(0, 4))),
            sender_address=addr_from_row(seller).canonical(), tracking_no=_tracking(lang, rng))
        plans.append(LabelPlan(str(r["return_id"]), text, addr, (cfg.seed, day, 2, i)))
    return tuple(plans)


def _call_plans(cfg: SimConfig, acc: pl.DataFrame, calls: pl.DataFrame, rng: np.random.Generator) -> tuple[CallPlan, ...]:
    langs = acc["lang"].to_numpy()
    plans = []
    for r in calls.iter_rows(named=True):
        lang = str(langs[int(r["buyer"])])
        script = write_script(lang, str(r["intent"]), str(r["order_id"]), str(r["spoken_phone"]), rng)
        plans.append(CallPlan(str(r["call_id"]), lang, script.text, script.intent, (str(r["order_id"]),),
                              (e164(str(r["spoken_phone"])),), pick_voice(lang, rng), str(r["audio"])))
    return tuple(plans)
