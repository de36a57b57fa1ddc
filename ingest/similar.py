"""Similar-behaviour pairs: LSH over the fingerprints' MinHash signatures (no all-pairs scan).

Candidates come from LSH banding with datasketch's parameters; each is scored with the MinHash
Jaccard estimate over non-hub shingles of machine-regular sessions, and kept only if the two
accounts' scripts also run at the same step time (two operators' bots replaying one popular
script differ there). Hubs are handled twice: hub shingles never enter the signature (see
`fingerprint.hub_shingles`), and shared devices / IPs only add evidence weighted by Adamic-Adar
(1 / ln(1 + accounts on it)), so one campus NAT IP shared by hundreds links nobody by itself.
"""

from __future__ import annotations

import logging
import math

import numpy as np
import polars as pl
from datasketch import MinHashLSH

from ingest.config import IngestConfig

log = logging.getLogger(__name__)

PAIR_COLUMNS = ("account_a", "account_b")
_BAND_SEED = 0x51ED270B27F1A8C3
_BAND_MUL = np.uint64(0x100000001B3)  # FNV-1a 64-bit prime


def signature_matrix(fingerprints: pl.DataFrame, num_perm: int) -> np.ndarray:
    """(accounts, num_perm) uint32 signatures; rows of accounts without shingles are zero."""
    sigs = np.zeros((fingerprints.height, num_perm), dtype=np.uint32)
    has = fingerprints.get_column("minhash").list.len().to_numpy() == num_perm
    if has.any():
        sigs[has] = (fingerprints.filter(pl.Series(has)).get_column("minhash")
                     .list.to_array(num_perm).to_numpy())
    return sigs


def candidate_pairs(fingerprints: pl.DataFrame, sigs: np.ndarray, cfg: IngestConfig) -> pl.DataFrame:
    """(a, b) row indices into `fingerprints` of LSH candidates, a < b, accounts with enough shingles.

    Banding as in datasketch's MinHashLSH, with its (bands, rows) choice for the threshold, but
    bucketed columnar (one group-by per night instead of a Python insert and query per account:
    ~50x faster at 10^5 accounts). Buckets holding more than `max_neighbours` accounts are crowds,
    not rings, and are skipped.
    """
    eligible = np.flatnonzero(fingerprints.get_column("n_shingles").to_numpy() >= cfg.min_shingles)
    empty = pl.DataFrame(schema={"a": pl.UInt32, "b": pl.UInt32})
    if len(eligible) < 2:
        return empty
    lsh = MinHashLSH(threshold=cfg.lsh_threshold, num_perm=cfg.num_perm)
    bands, rows = lsh.b, lsh.r
    sub = sigs[eligible].astype(np.uint64)
    keys = []
    with np.errstate(over="ignore"):  # wrapping uint64 arithmetic is the hash
        for band in range(bands):
            key = np.full(len(eligible), _BAND_SEED + band, dtype=np.uint64)
            for col in range(band * rows, (band + 1) * rows):
                key = key * _BAND_MUL + sub[:, col]
            keys.append(pl.DataFrame({"band": np.full(len(eligible), band, np.uint16), "key": key,
                                      "idx": eligible.astype(np.uint32)}))
    buckets = pl.concat(keys)
    sizes = buckets.group_by("band", "key").len()
    crowded = sizes.filter(pl.col("len") > cfg.max_neighbours)
    if crowded.height:
        log.info("%d LSH buckets hold more than %d accounts (crowds, not rings): skipped",
                 crowded.height, cfg.max_neighbours)
    live = sizes.filter((pl.col("len") >= 2) & (pl.col("len") <= cfg.max_neighbours)).select("band", "key")
    members = buckets.join(live, on=["band", "key"], how="semi")
    if members.is_empty():
        return empty
    return (members.join(members, on=["band", "key"], suffix="_b")
            .filter(pl.col("idx") < pl.col("idx_b"))
            .select(pl.col("idx").alias("a"), pl.col("idx_b").alias("b"))
            .unique().sort("a", "b"))


def _shared(ordered: pl.DataFrame, col: str, pairs: pl.DataFrame) -> pl.DataFrame:
    """Per pair: how many `col` values both used, and their Adamic-Adar sum."""
    use = ordered.select(pl.col("account_id").cast(pl.String), pl.col(col).cast(pl.String)).drop_nulls().unique()
    size = use.group_by(col).len("n")
    use = use.join(size, on=col)
    wanted = pairs.select(pl.col("account_a").alias("account_id")).unique()
    left = use.join(wanted, on="account_id", how="semi").rename({"account_id": "account_a"})
    both = (pairs.join(left, on="account_a")
            .join(use.select(pl.col("account_id").alias("account_b"), col), on=["account_b", col], how="semi"))
    return (both.group_by(PAIR_COLUMNS)
            .agg(pl.len().cast(pl.Int64).alias(f"shared_{col}"),
                 (1.0 / (1.0 + pl.col("n").cast(pl.Float64)).log(math.e)).sum().alias(f"aa_{col}")))


def similar_pairs(fingerprints: pl.DataFrame, ordered: pl.DataFrame, cfg: IngestConfig) -> pl.DataFrame:
    """SIMILAR_PAIRS rows with jaccard >= cfg.min_jaccard, sorted by (account_a, account_b)."""
    sigs = signature_matrix(fingerprints, cfg.num_perm)
    cand = candidate_pairs(fingerprints, sigs, cfg)
    a = cand.get_column("a").to_numpy()
    b = cand.get_column("b").to_numpy()
    jac = (sigs[a] == sigs[b]).mean(axis=1) if len(a) else np.empty(0)
    ids = fingerprints.get_column("account_id")
    step = fingerprints.get_column("regular_step_ms").fill_null(np.nan).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        timing = 1.0 - np.abs(np.log(step[a] / step[b])) / cfg.step_tolerance if len(a) else np.empty(0)
    pairs = pl.DataFrame({
        "account_a": ids.gather(a), "account_b": ids.gather(b), "jaccard": jac, "timing_sim": timing,
    }, schema={"account_a": pl.String, "account_b": pl.String, "jaccard": pl.Float64,
               "timing_sim": pl.Float64}).filter((pl.col("jaccard") >= cfg.min_jaccard) & (pl.col("timing_sim") > 0))
    # fingerprints are sorted by account_id and a < b as indices, so account_a < account_b already
    for col in ("device_id", "ip"):
        pairs = pairs.join(_shared(ordered, col, pairs), on=list(PAIR_COLUMNS), how="left")
    return (pairs.with_columns(
        pl.col("shared_device_id").fill_null(0).alias("shared_devices"),
        pl.col("shared_ip").fill_null(0).alias("shared_ips"),
        (pl.col("aa_device_id").fill_null(0.0) + pl.col("aa_ip").fill_null(0.0)).alias("network_weight"),
        (pl.col("jaccard") * (0.5 + 0.5 * pl.col("timing_sim"))).alias("weight"))
        .select("account_a", "account_b", "jaccard", "timing_sim", "shared_devices", "shared_ips",
                "network_weight", "weight")
        .sort(PAIR_COLUMNS))
