"""Similar-behaviour pairs: LSH over the fingerprints' MinHash signatures (no all-pairs scan).

Candidates come from datasketch's MinHashLSH; each is scored with the MinHash Jaccard estimate
over non-hub shingles. Hubs are handled twice: hub shingles never enter the signature (see
`fingerprint.hub_shingles`), and shared devices / IPs only add evidence weighted by Adamic-Adar
(1 / ln(1 + accounts on it)), so one campus NAT IP shared by hundreds links nobody by itself.
"""

from __future__ import annotations

import logging
import math

import numpy as np
import polars as pl
from datasketch import LeanMinHash, MinHashLSH

from ingest.config import IngestConfig

log = logging.getLogger(__name__)

PAIR_COLUMNS = ("account_a", "account_b")


def signature_matrix(fingerprints: pl.DataFrame, num_perm: int) -> np.ndarray:
    """(accounts, num_perm) uint32 signatures; rows of accounts without shingles are zero."""
    sigs = np.zeros((fingerprints.height, num_perm), dtype=np.uint32)
    has = fingerprints.get_column("minhash").list.len().to_numpy() == num_perm
    if has.any():
        sigs[has] = (fingerprints.filter(pl.Series(has)).get_column("minhash")
                     .list.to_array(num_perm).to_numpy())
    return sigs


def candidate_pairs(fingerprints: pl.DataFrame, sigs: np.ndarray, cfg: IngestConfig) -> pl.DataFrame:
    """(a, b) row indices into `fingerprints` of LSH candidates, a < b, accounts with enough shingles."""
    eligible = np.flatnonzero(fingerprints.get_column("n_shingles").to_numpy() >= cfg.min_shingles)
    if len(eligible) < 2:
        return pl.DataFrame(schema={"a": pl.UInt32, "b": pl.UInt32})
    lsh = MinHashLSH(threshold=cfg.lsh_threshold, num_perm=cfg.num_perm)
    lean: dict[int, LeanMinHash] = {}
    with lsh.insertion_session() as session:
        for i in eligible.tolist():
            lean[i] = LeanMinHash(seed=cfg.seed, hashvalues=sigs[i], scheme="affine32")
            session.insert(i, lean[i], check_duplication=False)
    a_idx: list[int] = []
    b_idx: list[int] = []
    crowded = 0
    for i, m in lean.items():
        found = lsh.query(m)
        if len(found) > cfg.max_neighbours:
            crowded += 1
            continue
        for j in found:
            if j > i:
                a_idx.append(i)
                b_idx.append(j)
    if crowded:
        log.info("%d accounts had more than %d LSH neighbours (a crowd, not a ring): skipped",
                 crowded, cfg.max_neighbours)
    return pl.DataFrame({"a": a_idx, "b": b_idx}, schema={"a": pl.UInt32, "b": pl.UInt32})


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
    reg = fingerprints.get_column("gap_regularity").fill_null(0.0).to_numpy()
    pairs = pl.DataFrame({
        "account_a": ids.gather(a), "account_b": ids.gather(b), "jaccard": jac,
        "timing_sim": 1.0 - np.abs(reg[a] - reg[b]) if len(a) else np.empty(0),
    }, schema={"account_a": pl.String, "account_b": pl.String, "jaccard": pl.Float64,
               "timing_sim": pl.Float64}).filter(pl.col("jaccard") >= cfg.min_jaccard)
    # fingerprints are sorted by account_id and a < b as indices, so account_a < account_b already
    for col in ("device_id", "ip"):
        pairs = pairs.join(_shared(ordered, col, pairs), on=list(PAIR_COLUMNS), how="left")
    return (pairs.with_columns(
        pl.col("shared_device_id").fill_null(0).alias("shared_devices"),
        pl.col("shared_ip").fill_null(0).alias("shared_ips"),
        (pl.col("aa_device_id").fill_null(0.0) + pl.col("aa_ip").fill_null(0.0)).alias("network_weight"),
        pl.col("jaccard").alias("weight"))
        .select("account_a", "account_b", "jaccard", "timing_sim", "shared_devices", "shared_ips",
                "network_weight", "weight")
        .sort(PAIR_COLUMNS))
