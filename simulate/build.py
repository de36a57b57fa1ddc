"""Assemble the world for a config: accounts, look-alikes, shops, rings, reference labels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from simulate.config import SimConfig
from simulate.labels import make_fraud_addresses, make_labels
from simulate.lookalikes import plant_lookalikes
from simulate.rings import Ring, plant_rings, rings_table
from simulate.world import World, make_accounts, make_sellers

N_COUPONS = 8


@dataclass(frozen=True)
class BuiltWorld:
    world: World
    rings: tuple[Ring, ...]
    ring_members: pl.DataFrame  # truth rings.csv rows (+ idx)
    labels: pl.DataFrame  # idx, account_id, label, source
    fraud_addresses: pl.DataFrame  # address, source, first_seen


def build_world(cfg: SimConfig) -> BuiltWorld:
    """A pure function of (seed, accounts, rings, difficulty, label settings): never of the date."""
    rng = np.random.default_rng([cfg.seed, 0])
    accounts = make_accounts(cfg.accounts, rng)
    accounts, look, reseller_heads = plant_lookalikes(accounts, rng)
    sellers = make_sellers(accounts, rng)
    coupons = tuple(f"CP{n}" for n in rng.choice(900_000, size=N_COUPONS, replace=False) + 100_000)
    accounts, rings = plant_rings(accounts, look["idx"].to_numpy(), cfg.rings, cfg.difficulty, coupons, rng,
                                 cfg.designs)
    # brushing members need shops; resellers also sell; both get a small share of ordinary orders
    extra = np.setdiff1d(np.concatenate([np.array([m for r in rings if r.kind == "brushing_loop"
                                                   for m in r.members], dtype=np.int64), reseller_heads]),
                         sellers["idx"].to_numpy())
    if len(extra):
        shop_names = make_sellers(accounts[extra].with_columns(idx=pl.Series(extra)), rng, share=1.0)["shop_name"]
        shop = pl.DataFrame({"idx": extra, "shop_name": shop_names,
                             "weight": np.full(len(extra), sellers["weight"].min() or 1e-6),
                             "price": np.round(np.exp(rng.normal(4.0, 0.9, len(extra))), 2)})
        sellers = pl.concat([sellers, shop]).sort("idx")
        sellers = sellers.with_columns(weight=pl.col("weight") / pl.col("weight").sum())
    members = rings_table(rings, accounts)
    labels = make_labels(accounts["account_id"].to_numpy(), members["idx"].to_numpy(), look["idx"].to_numpy(),
                         cfg.label_fraction, cfg.legit_label_fraction, cfg.label_noise, rng)
    lockers = look.filter(pl.col("kind") == "parcel_locker")["idx"].to_numpy()
    locker_addrs = [str(a) for a in accounts["ship_override"].to_numpy()[lockers[:1]]]
    fraud_addresses = make_fraud_addresses(rings, locker_addrs, cfg.accounts, rng)
    world = World(accounts=accounts, sellers=sellers, lookalikes=look, coupons=coupons)
    return BuiltWorld(world, rings, members, labels, fraud_addresses)
