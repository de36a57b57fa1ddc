"""App sessions expanded into click events, vectorized over sessions.

A session is one row (account, device, ip, user agent, anchor time, kind, dwell). Kinds:
`browse` (random pages), `order` / `coupon_order` (random pages, then the fixed checkout
tail ending at the order's time), `scripted` (a bot's fixed path with machine-regular dwell
times: coupon farms) and `confirm` (confirm receipt: brushing confirms within minutes).
Human dwell times are log-normal; scripted ones are one value with ~2% jitter.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import polars as pl

from simulate.ids import hex_ids, iso_expr

SESSION_SCHEMA = {"buyer": pl.Int64, "device_id": pl.Utf8, "ip": pl.Utf8, "ua": pl.Utf8, "anchor": pl.Int64,
                  "kind": pl.Utf8, "dwell_ms": pl.Int64, "ring_id": pl.Utf8}
KINDS = ("browse", "order", "coupon_order", "scripted", "confirm")
_BROWSE_PAGES = np.array(["home", "search", "product", "product", "category", "cart", "me", "order_list",
                          "coupon_center", "product"])
_TAIL_PAGES = np.array([["", "", "", "", ""], ["cart", "checkout", "pay", "", ""],
                        ["coupon_center", "cart", "checkout", "pay", ""],
                        ["home", "coupon_center", "product", "checkout", "pay"],
                        ["order_list", "order_list", "", "", ""]])
_TAIL_EVENTS = np.array([["", "", "", "", ""], ["add_cart", "checkout", "pay", "", ""],
                         ["claim_coupon", "add_cart", "checkout", "pay", ""],
                         ["open", "claim_coupon", "view", "checkout", "pay"],
                         ["view", "confirm_receipt", "", "", ""]])
_TAIL_LEN = np.array([0, 3, 4, 5, 2])
CHUNK_SESSIONS = 200_000
EVENT_COLUMNS = ("account_id", "session_id", "device_id", "ip", "user_agent", "ts", "event", "page", "dwell_ms")


def _events(sessions: pl.DataFrame, account_ids: np.ndarray, rng: np.random.Generator) -> pl.DataFrame:
    n = sessions.height
    kind = sessions["kind"].replace_strict({k: i for i, k in enumerate(KINDS)}, return_dtype=pl.Int64).to_numpy()
    prefix = np.where(kind == 0, 2 + rng.poisson(4, n), np.where(kind <= 2, 1 + rng.poisson(3, n), 0))
    length = prefix + _TAIL_LEN[kind]
    sess = np.repeat(np.arange(n), length)
    starts = np.cumsum(length) - length
    pos = np.arange(len(sess)) - np.repeat(starts, length)
    in_tail = pos >= prefix[sess]
    tail_pos = np.clip(pos - prefix[sess], 0, 4)
    page = np.where(in_tail, _TAIL_PAGES[kind[sess], tail_pos], _BROWSE_PAGES[rng.integers(len(_BROWSE_PAGES),
                                                                                           size=len(sess))])
    page = np.where(~in_tail & (pos == 0), "home", page)
    event = np.where(in_tail, _TAIL_EVENTS[kind[sess], tail_pos], np.where(pos == 0, "open", "view"))
    base = sessions["dwell_ms"].to_numpy()[sess]
    human = np.exp(rng.normal(np.log(6000), 0.9, len(sess)))
    dwell = np.where(base > 0, base * (1 + rng.normal(0, 0.02, len(sess))), human).astype(np.int64).clip(80)
    total = np.bincount(sess, weights=dwell, minlength=n)
    before = np.cumsum(dwell) - dwell - np.repeat(np.cumsum(total) - total, length)
    anchor = sessions["anchor"].to_numpy()[sess]
    ts = anchor - ((total[sess] - before) // 1000).astype(np.int64)
    sid = hex_ids(rng, n)
    buyer = sessions["buyer"].to_numpy()[sess]
    return pl.DataFrame({
        "account_id": account_ids[buyer], "session_id": sid[sess],
        "device_id": sessions["device_id"].to_numpy()[sess], "ip": sessions["ip"].to_numpy()[sess],
        "user_agent": sessions["ua"].to_numpy()[sess], "ts_s": ts, "event": event, "page": page, "dwell_ms": dwell,
    }).with_columns(ts=iso_expr("ts_s")).select(EVENT_COLUMNS)


def click_parts(sessions: pl.DataFrame, account_ids: np.ndarray, rng: np.random.Generator) -> Iterator[pl.DataFrame]:
    """Events in parts of at most CHUNK_SESSIONS sessions, sorted by time within each part."""
    for start in range(0, max(sessions.height, 1), CHUNK_SESSIONS):
        part = sessions.slice(start, CHUNK_SESSIONS)
        if part.height:
            yield _events(part, account_ids, rng).sort("ts", "session_id", maintain_order=True)
