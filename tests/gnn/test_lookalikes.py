"""Benign look-alikes are not rings; a scripted coupon gang is, even when the account model misses it.

Hand-built worlds with fixed account scores, so each test checks the ring logic alone:
a family of four, a campus crowd of 40 behind one NAT IP, 30 strangers at a parcel locker that
is on the fraud list by mistake, and a gang of 8 fresh accounts running one click script and
claiming one coupon within minutes.
"""

from __future__ import annotations

import numpy as np

from gnn.anomaly import account_flags
from gnn.detect import DetectConfig, find_rings
from gnn.evidence import coupon_bursts
from graph.export_types import EdgeTable, GraphExport, NodeTable
from tests.gnn.builders import build_export, own_ties

T0 = 29_000_000.0  # claim times are minutes


def _ordinary(names: list[str], accounts: dict[str, dict[str, float]], edges: list[tuple[str, str, str, float]]) -> None:
    for i, a in enumerate(names):
        accounts[a] = {"age_days": 200.0 + 17 * i, "n_orders": 1.0 + i % 2, "coupon_frac": 0.0, "return_rate": 0.0,
                       "n_returns": 0.0}
        edges += own_ties(a)


def _world() -> tuple[GraphExport, dict[str, list[str]]]:
    family = [f"f{i}" for i in range(4)]
    campus = [f"c{i}" for i in range(40)]
    locker = [f"k{i}" for i in range(30)]
    gang = [f"g{i}" for i in range(8)]
    public = [f"p{i}" for i in range(30)]
    accounts: dict[str, dict[str, float]] = {}
    edges: list[tuple[str, str, str, float]] = []
    _ordinary(family + campus + locker + public, accounts, edges)
    for a in family:  # one home: address, router, a shared tablet
        edges += [("ships_to", a, "home-addr", 1), ("uses_ip", a, "home-ip", 3), ("uses_device", a, "family-tablet", 2)]
    for a in campus:  # one NAT IP and one building
        edges += [("uses_ip", a, "campus-nat", 5), ("ships_to", a, "campus-building", 1)]
    for a in locker:
        edges.append(("ships_to", a, "locker-17", 1))
    for i, a in enumerate(public):  # a public coupon claimed all day long, four claims close by chance
        edges.append(("claimed", a, "CP-PUBLIC", T0 + 45.0 * min(i, 26) + 3.0 * max(i - 26, 0)))
    for i, a in enumerate(gang):  # fresh, scripted, co-timed, a device farm
        accounts[a] = {"age_days": 3.0 + i % 3, "n_orders": 2.0, "coupon_frac": 1.0, "return_rate": 0.0,
                       "n_returns": 0.0, "fp_emulator": 1.0}
        edges += [("uses_device", a, f"farm-{i % 3}", 4), ("uses_ip", a, f"proxy-{i % 4}", 2),
                  ("has_phone", a, f"ph-{a}", 1), ("claimed", a, "CP-PUBLIC", T0 + 1400.0 + i)]
        edges += [("behaves_like", a, b, 0.95) for b in gang[i + 1:]]
    export = build_export(accounts, edges, {public[0]: 0, public[1]: 0})
    return _list_address(export, "locker-17"), {"family": family, "campus": campus, "locker": locker,
                                                 "gang": gang, "public": public}


def _list_address(export: GraphExport, address: str) -> GraphExport:
    """Put `address` on the fraud-address list (the export's `fraud_listed` address feature)."""
    table = export.nodes["address"]
    listed = np.array([[1.0 if a == address else 0.0] for a in table.ids], dtype=np.float32)
    nodes = dict(export.nodes)
    nodes["address"] = NodeTable(table.ids, np.hstack([table.features, listed]), (*table.feature_names, "fraud_listed"))
    return GraphExport(nodes, export.edges, export.window, export.account_labels)


def _rings(export: GraphExport, score: dict[str, float], default: float) -> list[set[str]]:
    ids = export.nodes["account"].ids
    s = np.array([score.get(a, default) for a in ids], dtype=np.float32)
    return [{m.account_id for m in r.members} for r in find_rings(export, s, DetectConfig(), "b1", "t")]


def test_lookalikes_are_not_rings_even_when_the_model_scores_them_high() -> None:
    export, g = _world()
    fooled = {a: 0.9 for k in ("family", "campus", "locker") for a in g[k]}
    rings = _rings(export, fooled, 0.05)
    for kind in ("family", "campus", "locker", "public"):
        assert not any(r & set(g[kind]) for r in rings), f"the {kind} group must not be in a ring: {rings}"


def test_scripted_coupon_gang_is_a_ring_even_when_the_model_misses_it() -> None:
    export, g = _world()
    rings = _rings(export, {}, 0.05)  # the model learnt nothing about this kind of ring
    assert set(g["gang"]) in rings
    assert len(rings) == 1


def test_chance_bursts_of_a_public_coupon_are_not_evidence() -> None:
    export, g = _world()
    claimed = next(e for e in export.edges if e.relation == "claimed")
    ids = export.nodes["account"].ids
    bursts = [{ids[i] for i in acc} for _, acc in coupon_bursts(claimed, 10.0, 30, max_chance=0.001)]
    assert bursts == [set(g["gang"])]
    chance = {f"p{i}" for i in range(26, 30)}
    assert sorted(map(sorted, ({ids[i] for i in acc} for _, acc in coupon_bursts(claimed, 10.0, 30)))) == \
        sorted(map(sorted, [set(g["gang"]), chance]))


def test_anomaly_flags_follow_simple_rules() -> None:
    export = build_export({"fresh": {"age_days": 2.0}, "old": {"age_days": 900.0},
                           "returner": {"age_days": 900.0, "return_rate": 1.0, "n_returns": 2.0},
                           "one_coupon": {"age_days": 900.0, "coupon_frac": 1.0, "n_orders": 1.0},
                           "coupon_hunter": {"age_days": 900.0, "coupon_frac": 1.0, "n_orders": 3.0}},
                          [("has_phone", "old", "ph", 1)])
    flags = dict(zip(export.nodes["account"].ids, account_flags(export).tolist(), strict=True))
    assert flags == {"fresh": True, "old": False, "returner": True, "one_coupon": False, "coupon_hunter": True}


def test_anomaly_flags_ignore_dropped_modalities() -> None:
    export = build_export({"caller": {"age_days": 900.0, "intent_empty_parcel": 1.0}}, [("has_phone", "caller", "p", 1)])
    assert account_flags(export).tolist() == [True]
    assert account_flags(export, drop=frozenset({"calls"})).tolist() == [False]


def test_edge_table_unchanged_by_listing() -> None:
    export, _ = _world()
    assert all(isinstance(e, EdgeTable) for e in export.edges)
    assert "fraud_listed" in export.nodes["address"].feature_names
