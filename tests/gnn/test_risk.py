"""Account risk (ring members first) and self-training pseudo-labels."""

from __future__ import annotations

import numpy as np

from gnn.detect import RISK_THRESHOLD, account_risk
from gnn.pseudo import pseudo_labels
from graph.records import RingMember, RingRecord
from tests.gnn.builders import scenario


def _ring(members: list[str], score: float) -> RingRecord:
    return RingRecord("r-" + members[0], "unknown", score, tuple(RingMember(a, 0.0, "member") for a in members), (), "")


def test_ring_members_rank_above_every_other_account_and_order_is_kept_within_groups() -> None:
    ids = ("a", "b", "c", "d", "e")
    model_p = np.array([0.1, 0.99, 0.3, 0.8, 0.2])
    risk = account_risk(ids, model_p, [_ring(["a", "c"], 0.6), _ring(["c", "e"], 0.9)])
    members, others = risk[[0, 2, 4]], risk[[1, 3]]
    assert members.min() >= RISK_THRESHOLD > others.max()  # a ring member outranks the model's favourite
    assert risk[2] == risk[4] > risk[0]  # best ring counts
    assert risk[1] > risk[3]  # outside rings the model's order stays
    assert ((risk >= 0) & (risk <= 1)).all()


def test_pseudo_labels_mark_ring_members_and_unflagged_outsiders_and_keep_real_labels() -> None:
    export, _ = scenario()
    ids = export.nodes["account"].ids
    real = export.account_labels
    unl = np.flatnonzero(real < 0)
    legit = int(np.flatnonzero(real == 0)[0])
    a, b, flagged, plain = (int(i) for i in unl[:4])
    flags = np.zeros(len(ids), dtype=bool)
    flags[flagged] = True
    pseudo = pseudo_labels(export, [_ring([ids[a], ids[b], ids[legit]], 0.8)], flags)
    assert pseudo[a] == pseudo[b] == 1
    assert pseudo[legit] == 0  # a real legitimate label beats membership of a pseudo ring
    assert pseudo[flagged] == -1  # flagged but in no ring: no pseudo-label either way
    assert pseudo[plain] == 0
    assert (pseudo[real >= 0] == real[real >= 0]).all()
