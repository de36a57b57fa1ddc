"""Pair recall / precision of similar_pairs against planted groups (evaluation only, never the pipeline)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class PairScore:
    recall: float  # share of same-group pairs (among `groups`) that were found
    precision: float  # share of found pairs whose two accounts are in one group
    true_pairs: int
    found_pairs: int
    correct: int


def score_pairs(pairs: pl.DataFrame, groups: pl.DataFrame) -> PairScore:
    """`pairs` has account_a, account_b; `groups` has account_id, group (one group per account).

    Precision counts a found pair as correct only if both accounts are in the same group.
    """
    g = groups.select(pl.col("account_id").cast(pl.String), pl.col("group").cast(pl.String)).unique()
    sizes = g.group_by("group").len()
    true_pairs = int(sum(n * (n - 1) // 2 for n in sizes.get_column("len").to_list()))
    tagged = (pairs.select("account_a", "account_b")
              .join(g.rename({"account_id": "account_a", "group": "ga"}), on="account_a", how="left")
              .join(g.rename({"account_id": "account_b", "group": "gb"}), on="account_b", how="left"))
    correct = tagged.filter(pl.col("ga").is_not_null() & (pl.col("ga") == pl.col("gb"))).height
    found = pairs.height
    return PairScore(recall=correct / true_pairs if true_pairs else 1.0,
                     precision=correct / found if found else 1.0,
                     true_pairs=true_pairs, found_pairs=found, correct=correct)
