"""Per-account behaviour fingerprints: timing regularity, device/IP features, path MinHash.

Input is the output of `sessions.sessionize` with `sessions.mark_regular` applied. The MinHash
covers the distinct path shingles of the account's *machine-regular* sessions (scripted-looking:
near-constant step times), minus hub shingles (steps of the app's popular default flow, see
IngestConfig). Humans, whose dwell times vary widely, get an empty signature and no links; two
bots replaying the same unusual path get a high estimated Jaccard.
"""

from __future__ import annotations

import logging

import numpy as np
import polars as pl
from datasketch import MinHash

from ingest.config import IngestConfig

log = logging.getLogger(__name__)

# Emulators, device farms and headless browsers announce themselves in the user agent or device id.
EMULATOR_HINTS = (r"(?i)emulator|sdk_gphone|generic_x86|android sdk built for|goldfish|ranchu|genymotion"
                  r"|bluestacks|noxplayer|ldplayer|memu|headlesschrome|phantomjs|selenium|webdriver")


def _identity(value: int) -> int:
    """Shingles are already 32-bit hashes: datasketch must not hash them again."""
    return value


def hub_shingles(ordered: pl.DataFrame, cfg: IngestConfig) -> tuple[pl.DataFrame, int]:
    """(distinct (account_id, shingle) pairs of regular sessions without hubs, the hub cut-off).

    Hubs are counted over every session (human or not): a step sequence that many accounts take
    is the app's default flow, whoever takes it.
    """
    pairs = ordered.select("account_id", "shingle").unique()
    n_accounts = ordered.select(pl.col("account_id").n_unique()).item()
    cutoff = max(cfg.hub_min_accounts, int(cfg.hub_fraction * n_accounts))
    df = pairs.group_by("shingle").len("accounts")
    hubs = df.filter(pl.col("accounts") > cutoff).select("shingle")
    log.info("%d distinct shingles, %d hubs (used by > %d accounts) dropped", df.height, hubs.height, cutoff)
    regular = ordered.filter(pl.col("regular")).select("account_id", "shingle").unique()
    return regular.join(hubs, on="shingle", how="anti"), cutoff


def minhashes(kept: pl.DataFrame, cfg: IngestConfig) -> pl.DataFrame:
    """account_id (String) -> minhash (List[UInt32], num_perm long) and n_shingles, one row per account."""
    grouped = (kept.group_by("account_id").agg(pl.col("shingle").sort())
               .with_columns(pl.col("account_id").cast(pl.String)).sort("account_id"))
    template = MinHash(num_perm=cfg.num_perm, seed=cfg.seed, hashfunc=_identity)
    sigs = np.empty((grouped.height, cfg.num_perm), dtype=np.uint32)
    for i, shingles in enumerate(grouped.get_column("shingle").to_list()):
        m = MinHash(num_perm=cfg.num_perm, seed=cfg.seed, hashfunc=_identity,
                    permutations=template.permutations, scheme="affine32")
        m.update_batch(shingles)
        sigs[i] = m.hashvalues
    return pl.DataFrame({
        "account_id": grouped.get_column("account_id"),
        "n_shingles": grouped.get_column("shingle").list.len().cast(pl.Int64),
        "minhash": pl.Series(sigs).cast(pl.List(pl.UInt32)) if grouped.height else pl.Series(
            [], dtype=pl.List(pl.UInt32)),
    })


def _network(stats: pl.DataFrame) -> pl.DataFrame:
    """Per account from its sessions' device / ip / user agent: distinct counts, the largest crowd
    on one of its devices and ips (max_device_accounts, max_ip_accounts) and the emulator flag.

    Works on sessions (a session's first non-null value), ~10x fewer rows than events.
    """
    out = stats.group_by("account_id").agg(
        pl.col("device_id").drop_nulls().n_unique().cast(pl.Int64).alias("n_devices"),
        pl.col("ip").drop_nulls().n_unique().cast(pl.Int64).alias("n_ips"),
        pl.col("user_agent").drop_nulls().n_unique().cast(pl.Int64).alias("n_user_agents"))
    for col, name in (("device_id", "max_device_accounts"), ("ip", "max_ip_accounts")):
        pairs = stats.select("account_id", col).drop_nulls().unique()
        sizes = pairs.group_by(col).len("n")
        crowd = pairs.join(sizes, on=col).group_by("account_id").agg(pl.col("n").max().cast(pl.Int64).alias(name))
        out = out.join(crowd, on="account_id", how="left")
    hits = []
    for col in ("user_agent", "device_id"):
        values = stats.select(pl.col(col).unique().drop_nulls())
        hit = values.filter(pl.col(col).cast(pl.String).str.contains(EMULATOR_HINTS))
        hits.append(stats.join(hit, on=col, how="semi").select("account_id"))
    emulated = pl.concat(hits).unique().with_columns(pl.lit(True).alias("emulator"))
    return out.join(emulated, on="account_id", how="left").with_columns(pl.col("emulator").fill_null(False))


def account_fingerprints(ordered: pl.DataFrame, stats: pl.DataFrame, cfg: IngestConfig) -> pl.DataFrame:
    """FINGERPRINTS rows, one per account with at least one event, sorted by account_id.

    `ordered`: sessionize output with `regular` (mark_regular); `stats`: session_stats output.
    """
    prev = pl.col("gap_ms").shift(1)  # the previous gap of the same session (null at a session's 2nd event)
    repeats = pl.when(pl.col("gap_ms").is_not_null() & prev.is_not_null()).then(
        (pl.col("gap_ms") - prev).abs() <= 0.1 * prev)
    base = (ordered.with_columns(repeats.alias("_repeat"))
            .group_by("account_id")
            .agg(pl.len().cast(pl.Int64).alias("n_events"),
                 pl.col("dwell_ms").mean().alias("dwell_mean_ms"),
                 (pl.col("dwell_ms").std() / pl.col("dwell_ms").mean()).alias("dwell_cv"),
                 pl.col("gap_ms").mean().alias("gap_mean_ms"),
                 (pl.col("gap_ms").std() / pl.col("gap_ms").mean()).alias("gap_cv"),
                 pl.col("_repeat").mean().alias("gap_regularity"),
                 pl.col("ts").min().alias("first_seen"), pl.col("ts").max().alias("last_seen")))
    per_session = stats.group_by("account_id").agg(
        pl.len().cast(pl.Int64).alias("n_sessions"),
        pl.col("machine_regular").sum().cast(pl.Int64).alias("n_sessions_regular"),
        ((pl.col("step_mean_ms") * pl.col("n_events")).filter(pl.col("machine_regular")).sum()
         / pl.col("n_events").filter(pl.col("machine_regular")).sum()).fill_nan(None).alias("regular_step_ms"))
    base = (base.join(per_session, on="account_id", how="left").join(_network(stats), on="account_id", how="left")
            .with_columns(pl.col("account_id").cast(pl.String)))
    kept, _ = hub_shingles(ordered, cfg)
    sigs = minhashes(kept, cfg)
    return (base.join(sigs, on="account_id", how="left")
            .with_columns(pl.col("n_shingles").fill_null(0),
                          pl.col("minhash").fill_null(pl.lit([], dtype=pl.List(pl.UInt32))))
            .sort("account_id"))
