"""Per-account behaviour that ordinary customers rarely show, from the exported features alone.

A household shares a device, an IP and an address, but its members order, return and call like
everybody else. Members of a ring, even those that hide their links, usually act the part:
mostly returns (return fraud), mostly coupon orders (coupon abuse), an account registered days
ago, an emulator user agent, complaint calls claiming an empty or never-received parcel, a
returned parcel whose label matches a fraud-listed address. Each flag is a plain rule on one
feature (thresholds are domain rules of thumb, never fitted to truth); ring scoring uses the
share of members that raise at least one flag. Features absent from an export count as 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gnn.data import feature_column
from gnn.modalities import dropped_feature
from graph.export_types import GraphExport


@dataclass(frozen=True)
class AnomalyConfig:
    return_rate: float = 0.5  # most of an account's orders came back
    coupon_frac: float = 0.5  # most of an account's orders used a coupon ...
    coupon_min_orders: float = 2.0  # ... and it placed at least this many (one coupon order is ordinary)
    fresh_days: float = 30.0  # registered this recently
    fraud_match: float = 0.8  # a returned parcel's label matches a fraud-listed address this well
    complaint_intents: tuple[str, ...] = ("intent_empty_parcel", "intent_not_received")


def _col(export: GraphExport, name: str, drop: frozenset[str]) -> np.ndarray:
    n = len(export.nodes["account"])
    return np.zeros(n, dtype=np.float32) if dropped_feature(name, drop) else feature_column(export, "account", name)


def account_flags(export: GraphExport, config: AnomalyConfig = AnomalyConfig(),
                  drop: frozenset[str] = frozenset()) -> np.ndarray:
    """bool [n_accounts]: the account shows at least one ring-like behaviour (see module doc).

    `drop` names modalities left out (ablation): their features are ignored here too.
    """
    n = len(export.nodes["account"])
    table = export.nodes["account"]
    orders = _col(export, "n_orders", drop)
    flags = (_col(export, "return_rate", drop) >= config.return_rate) & (_col(export, "n_returns", drop) >= 1)
    flags |= (_col(export, "coupon_frac", drop) >= config.coupon_frac) & (orders >= config.coupon_min_orders)
    if "age_days" in table.feature_names:
        flags |= _col(export, "age_days", drop) <= config.fresh_days
    flags |= _col(export, "fp_emulator", drop) > 0
    flags |= _col(export, "max_fraud_match", drop) >= config.fraud_match
    for name in config.complaint_intents:
        flags |= _col(export, name, drop) > 0
    return np.asarray(flags, dtype=bool).reshape(n)
