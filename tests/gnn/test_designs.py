"""A ring design the ring search was not shaped on is caught by generic evidence, not a rule for it.

The simulator's `photo_only` design (simulate/rings.py): every member on a clean device and IP
of its own, own phone, own home; the only tie is the drop address printed on the labels of the
parcels they return. Hand-built here as a two-night window shows it (in one night's export too
few members return a parcel: docs/gnn.md, 0 of 10 found in one-day worlds): seven members, labels
read into two drop addresses (one member returned to both), nothing else shared. It must come out as one return-fraud ring
although the account model scores its members low; a household returning parcels to its own
flat, and strangers whose labels name one parcel locker, must not.
"""

from __future__ import annotations

import numpy as np

from gnn.detect import DetectConfig, find_rings
from tests.gnn.builders import build_export


def _world() -> tuple[dict[str, list[str]], list[set[str]]]:
    gang = [f"g{i}" for i in range(7)]
    family = [f"f{i}" for i in range(4)]
    locker = [f"k{i}" for i in range(5)]
    others = [f"o{i}" for i in range(30)]
    accounts: dict[str, dict[str, float]] = {}
    edges: list[tuple[str, str, str, float]] = []
    for i, a in enumerate(gang + family + locker + others):  # everyone: own device, IP, phone, home
        accounts[a] = {"age_days": 300.0 + 11 * i, "n_orders": 2.0, "n_returns": 0.0, "return_rate": 0.0}
        edges += [("uses_device", a, f"dev-{a}", 1), ("uses_ip", a, f"ip-{a}", 1), ("has_phone", a, f"ph-{a}", 1),
                  ("ships_to", a, f"home-{a}", 2)]
    for i, a in enumerate(gang):  # "empty parcel" returns whose labels show one of two drops
        accounts[a].update(n_returns=2.0, return_rate=1.0, intent_empty_parcel=1.0)
        edges.append(("label_address", a, "drop-A" if i < 4 else "drop-B", 0.8))
    edges.append(("label_address", "g3", "drop-B", 0.7))  # g3 returned twice in the window, once to each drop
    for a in family:  # one flat: orders and returned parcels' labels name it
        accounts[a].update(n_returns=1.0, return_rate=0.5)
        edges += [("ships_to", a, "flat-9", 2), ("label_address", a, "flat-9", 0.9), ("uses_ip", a, "flat-router", 3)]
    for a in locker:  # strangers using one locker, one return each
        accounts[a].update(n_returns=1.0, return_rate=0.5)
        edges += [("ships_to", a, "locker-3", 1), ("label_address", a, "locker-3", 0.7)]
    export = build_export(accounts, edges)
    ids = export.nodes["account"].ids
    low = np.full(len(ids), 0.05, dtype=np.float32)  # the model never saw a labelled member of such a gang
    rings = [{m.account_id for m in r.members} for r in find_rings(export, low, DetectConfig(), "b", "t")]
    kinds = {r.kind for r in find_rings(export, low, DetectConfig(), "b", "t")}
    assert kinds <= {"return_fraud"}
    return {"gang": gang, "family": family, "locker": locker}, rings


def test_photo_only_gang_is_one_ring_from_its_label_addresses() -> None:
    groups, rings = _world()
    assert set(groups["gang"]) in rings


def test_household_and_locker_labels_are_not_rings() -> None:
    groups, rings = _world()
    for kind in ("family", "locker"):
        assert not any(r & set(groups[kind]) for r in rings), f"{kind} reported: {rings}"
