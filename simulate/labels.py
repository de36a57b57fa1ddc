"""reference/: partial, noisy labels and a list of historically bad addresses, as in real life.

labels.csv holds `label_fraction` of ring members as fraud and `legit_label_fraction` of other
accounts as legit (some of them benign look-alikes, which reviews tend to clear), then adds
wrong rows so that `label_noise` of all rows are wrong: benign accounts labelled fraud (bad
chargebacks) and ring members labelled legit (passed review).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from simulate.addresses import random_addr
from simulate.rings import Ring
from simulate.world import WORLD_END

LABEL_SCHEMA = {"account_id": pl.Utf8, "label": pl.Utf8, "source": pl.Utf8}


def make_labels(account_ids: np.ndarray, ring_members: np.ndarray, lookalike_members: np.ndarray,
                label_fraction: float, legit_fraction: float, noise: float,
                rng: np.random.Generator) -> pl.DataFrame:
    """account_ids: all accounts (by idx); returns account_id, label (fraud|legit), source."""
    n = len(account_ids)
    benign = np.setdiff1d(np.arange(n), ring_members)
    n_f = max(1, round(label_fraction * len(ring_members))) if len(ring_members) and label_fraction > 0 else 0
    n_l = round(legit_fraction * len(benign))
    fraud = rng.choice(ring_members, size=n_f, replace=False) if n_f else np.array([], np.int64)
    look = np.intersect1d(benign, lookalike_members)
    n_look = min(len(look), n_l // 3)
    legit = np.concatenate([rng.choice(look, size=n_look, replace=False),
                            rng.choice(np.setdiff1d(benign, look), size=n_l - n_look, replace=False)])
    k = round(noise * (n_f + n_l) / (1 - noise)) if noise < 1 else 0
    k_fn = min(k // 2, len(ring_members) - n_f)
    k_fp = k - k_fn
    false_pos = rng.choice(np.setdiff1d(benign, legit), size=k_fp, replace=False)
    false_neg = rng.choice(np.setdiff1d(ring_members, fraud), size=k_fn, replace=False)
    idx = np.concatenate([fraud, false_pos, legit, false_neg]).astype(np.int64)
    label = np.array(["fraud"] * (n_f + k_fp) + ["legit"] * (n_l + k_fn))
    source = np.where(label == "fraud", np.where(rng.random(len(idx)) < 0.7, "chargeback", "manual_review"),
                      np.where(rng.random(len(idx)) < 0.5, "manual_review", "kyc_verified"))
    order = np.argsort(account_ids[idx], kind="stable")
    return pl.DataFrame({"idx": idx[order], "account_id": account_ids[idx][order], "label": label[order],
                         "source": source[order]})


def make_fraud_addresses(rings: tuple[Ring, ...], locker_addresses: list[str], n_accounts: int,
                         rng: np.random.Generator) -> pl.DataFrame:
    """Known-bad addresses: some current drops (in some variant), stale ones, and a wrongly listed locker."""
    rows: list[tuple[str, str, str]] = []

    def day(back_min: int, back_max: int) -> str:
        return (WORLD_END.date() - dt.timedelta(days=int(rng.integers(back_min, back_max)))).isoformat()

    for ring in rings:
        for drop in ring.drops:
            if rng.random() < 0.4:
                text = drop.variants[int(rng.integers(len(drop.variants)))][0]
                rows.append((text, "chargeback", day(10, 200)))
    for _ in range(5 + n_accounts // 500):
        addr = random_addr("zh" if rng.random() < 0.75 else "en", rng)
        rows.append((addr.formatting_variant(rng), str(rng.choice(["chargeback", "police_report"])), day(200, 900)))
    if locker_addresses:
        rows.append((locker_addresses[0], "manual_review", day(30, 300)))
    return pl.DataFrame(rows, schema={"address": pl.Utf8, "source": pl.Utf8, "first_seen": pl.Utf8}, orient="row")
