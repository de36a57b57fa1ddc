"""Sessions: click events ordered per (account, session), path shingles, per-session timing.

Contract of `sessionize`: takes the EVENT_SCHEMA frame from `ingest.clicks`, returns it sorted by
(account, session, ts, file, line) with three added columns:
- `gap_ms` (Float64): ms since the previous event of the same session, null for a session's first;
- `shingle` (UInt32): hash of the last `shingle_size` (event, page) steps, padded at session start,
  so equal step sequences give equal shingles in any run of the same code;
- `step` (UInt64): hash of this event's (event, page).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ingest.csvread import LINE

_PAD = 0x9E3779B97F4A7C15  # the "no step" token before a session's first event
_MIX = (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x2545F4914F6CDD1D, 0x94D049BB133111EB)


def _step_hashes(events: pl.DataFrame) -> pl.DataFrame:
    """(event, page) -> UInt64 hash of their strings: stable across runs (categorical codes are not)."""
    steps = events.select("event", "page").unique()
    text = pl.concat_str([pl.col("event").cast(pl.String), pl.col("page").cast(pl.String).fill_null("")],
                         separator="\x1f")
    return steps.with_columns(text.hash(seed=7).alias("step"))


def sessionize(events: pl.DataFrame, shingle_size: int) -> pl.DataFrame:
    acc, ses = pl.col("account_id").to_physical(), pl.col("session_id").to_physical()
    ordered = (events.join(_step_hashes(events), on=["event", "page"], how="left", nulls_equal=True)
               .sort(acc, ses, "ts", "file", LINE))
    same = ((acc == acc.shift(1)) & (ses == ses.shift(1))).fill_null(False)
    # pos = index of the event within its session, from a running count reset at each session start
    start = (~same).cast(pl.UInt32)
    pos = pl.int_range(pl.len(), dtype=pl.UInt32) - (pl.int_range(pl.len(), dtype=pl.UInt32) * start).cum_max()
    ordered = ordered.with_columns(
        pl.when(same).then((pl.col("ts") - pl.col("ts").shift(1)).dt.total_microseconds() / 1000.0)
        .alias("gap_ms"),
        pos.alias("_pos"))
    mixed = pl.col("step")
    for k in range(1, shingle_size):
        prev = pl.when(pl.col("_pos") >= k).then(pl.col("step").shift(k)).otherwise(pl.lit(_PAD, pl.UInt64))
        mixed = mixed * pl.lit(_MIX[k % len(_MIX)], pl.UInt64) + prev
    shingle = ((mixed * pl.lit(_MIX[0], pl.UInt64)) // pl.lit(1 << 32, pl.UInt64)).cast(pl.UInt32)
    return ordered.with_columns(shingle.alias("shingle")).drop("_pos")


def _cv(col: str) -> pl.Expr:
    """Coefficient of variation (std / mean); null when undefined (fewer than 2 values, mean 0)."""
    mean = pl.col(col).mean()
    return pl.when(mean > 0).then(pl.col(col).std() / mean)


def step_expr() -> pl.Expr:
    """An event's step time in ms: its dwell_ms, or the gap since the previous event if dwell is absent."""
    return pl.coalesce(pl.col("dwell_ms"), pl.col("gap_ms"))


def session_stats(ordered: pl.DataFrame, min_events: int, max_cv: float) -> pl.DataFrame:
    """One row per session in the run order of `ordered` (categorical keys), SESSIONS columns plus
    `step_mean_ms` and `machine_regular`: at least `min_events` events whose step times vary by at
    most `max_cv` (std / mean). Humans' dwell times vary by ~100 %; a script's by a few percent.
    """
    return (ordered.with_columns(step_expr().alias("_step"))
            .group_by("account_id", "session_id", maintain_order=True)
            .agg(pl.col("device_id").drop_nulls().first(), pl.col("ip").drop_nulls().first(),
                 pl.col("user_agent").drop_nulls().first(),
                 pl.col("ts").min().alias("started_at"), pl.col("ts").max().alias("ended_at"),
                 pl.len().cast(pl.Int64).alias("n_events"),
                 pl.col("dwell_ms").mean().alias("dwell_mean_ms"), _cv("dwell_ms").alias("dwell_cv"),
                 _cv("gap_ms").alias("gap_cv"),
                 (pl.col("shingle").cast(pl.UInt64) * pl.int_range(1, pl.len() + 1, dtype=pl.UInt64))
                 .sum().alias("path_hash"),
                 pl.col("_step").mean().alias("step_mean_ms"), _cv("_step").alias("_step_cv"))
            .with_columns(((pl.col("n_events") >= min_events) & (pl.col("_step_cv") <= max_cv))
                          .fill_null(False).alias("machine_regular"))
            .drop("_step_cv"))


def mark_regular(ordered: pl.DataFrame, stats: pl.DataFrame) -> pl.DataFrame:
    """Add `regular` (bool) to each event: its session is machine-regular. `stats` from session_stats."""
    flags = np.repeat(stats.get_column("machine_regular").to_numpy(), stats.get_column("n_events").to_numpy())
    return ordered.with_columns(pl.Series("regular", flags, dtype=pl.Boolean))


def session_table(stats: pl.DataFrame) -> pl.DataFrame:
    """SESSIONS rows from `session_stats`, ids as strings, sorted by (account_id, session_id)."""
    return (stats.with_columns(pl.col(c).cast(pl.String) for c in ("account_id", "session_id", "device_id",
                                                                   "ip", "user_agent"))
            .sort("account_id", "session_id"))
