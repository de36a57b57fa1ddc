"""Pseudo-labels for self-training: what the structure-only ring finder is sure of.

A risk team labels a few dozen accounts a day (7 fraud on the demo world), so the account model
learns only the ring kinds those few show and ranks the rest poorly (account PR-AUC 0.69 against
0.96 for scoring accounts by the rings found without any model). Self-training closes that gap:
before the model is fitted, the rings found on ring-specific evidence and behaviour alone
(`gnn.detect.find_rings` with no scores, the "community" baseline) lend their members a fraud
pseudo-label, and accounts that are in no such ring and raise no anomaly flag a legitimate one.
The model then learns what such members look like in features and neighbourhood and can score
accounts the ring finder cut off or never saw together. A real label always wins over a pseudo
one, and model selection and the operating threshold still use held-out REAL labels only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from graph.export_types import GraphExport
from graph.records import RingRecord


def pseudo_labels(export: GraphExport, rings: Sequence[RingRecord], flags: np.ndarray,
                  max_legit: int = 0, seed: int = 7) -> np.ndarray:
    """int64 [n_accounts]: 1 for members of `rings`, 0 for unflagged accounts outside them, else -1.

    `rings`: rings found without an account model; `flags`: bool [n_accounts] from
    `gnn.anomaly.account_flags`. Real labels (export.account_labels >= 0) override. `max_legit`
    > 0 keeps at most that many legitimate pseudo-labels, drawn at random (`seed`): at 1M
    accounts nearly every account would otherwise become a training row of the nightly fit.
    """
    ids = {a: i for i, a in enumerate(export.nodes["account"].ids)}
    out = np.where(flags, -1, 0).astype(np.int64)
    legit = np.flatnonzero(out == 0)
    if 0 < max_legit < len(legit):
        out[np.random.default_rng(seed).choice(legit, len(legit) - max_legit, replace=False)] = -1
    for ring in rings:
        out[[ids[m.account_id] for m in ring.members]] = 1
    real = export.account_labels >= 0
    out[real] = export.account_labels[real]
    return out
