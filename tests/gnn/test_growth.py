"""A ring seen in two pieces is one ring when the account model vouches for the second piece.

A ring design no rule here names: a return gang split in two. Six members returned parcels
whose labels name one drop (a wide drop: caught on evidence alone); four more returned nothing
with a readable label today and are tied to the first six only by one device one of them shares
with a member, and among themselves by a device farm and an IP: generic ties, which a household
shows as well. The evidence graph's communities cut the gang along that one weak tie, so the
rings found on evidence alone hold the first piece only. With account scores the reported piece
grows through the accounts the model scores as fraud (`rings.grow_members`): the whole gang is
one ring, while a family sharing a cafe IP with a gang member, scored low, stays out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gnn.account_scorer import ScorerConfig, fit_account_scorer
from gnn.anomaly import account_flags
from gnn.detect import DetectConfig, detect, find_rings
from gnn.rings import RingConfig
from graph.export_types import GraphExport
from tests.gnn.builders import build_export, own_ties


def _world(labels: dict[str, int] | None = None) -> tuple[GraphExport, dict[str, list[str]]]:
    first = [f"a{i}" for i in range(6)]
    second = [f"b{i}" for i in range(4)]
    family = [f"f{i}" for i in range(3)]
    others = [f"o{i}" for i in range(40)]
    accounts: dict[str, dict[str, float]] = {}
    edges: list[tuple[str, str, str, float]] = []
    for i, a in enumerate(first + second + family + others):
        accounts[a] = {"age_days": 200.0 + 13 * i, "n_orders": 2.0 + i % 3, "n_returns": 0.0, "return_rate": 0.0}
        edges += [*own_ties(a), ("ships_to", a, f"home-{a}", 2)]
    for a in first + second:  # every member returns what it buys and complains the parcel was empty
        accounts[a].update(n_orders=1.0, n_returns=1.0, return_rate=1.0, intent_empty_parcel=1.0, age_days=20.0)
    edges += [("label_address", a, "drop-Q", 0.8) for a in first]
    edges += [("uses_device", b, "farm-B", 3) for b in second] + [("uses_ip", b, "ip-B", 3) for b in second]
    for i, b in enumerate(second):  # the ties between the pieces: a hotspot shared with two members each
        edges += [("uses_ip", b, f"hot-{i}", 1), ("uses_ip", first[i], f"hot-{i}", 1), ("uses_ip", first[i + 1], f"hot-{i}", 1)]
    edges += [("uses_ip", f, "flat-router", 4) for f in family] + [("ships_to", f, "flat-2", 2) for f in family]
    edges.append(("uses_ip", "f0", "hot-1", 1))  # a family member on a hotspot with a1, a2 and b1
    return build_export(accounts, edges, labels), {"first": first, "second": second, "family": family}


def _rings(export: GraphExport, scores: np.ndarray | None, config: DetectConfig | None = None) -> list[set[str]]:
    return [{m.account_id for m in r.members} for r in find_rings(export, scores, config or DetectConfig(), "b", "t")]


def test_second_piece_joins_the_ring_through_model_scores_only() -> None:
    export, groups = _world()
    ids = list(export.nodes["account"].ids)
    p = np.full(len(ids), 0.05, dtype=np.float32)
    p[[ids.index(a) for a in groups["first"] + groups["second"]]] = 0.8
    gang = set(groups["first"] + groups["second"])
    assert set(groups["first"]) in _rings(export, None)  # evidence alone: the first piece only
    assert not any(r & set(groups["second"]) for r in _rings(export, None))
    assert gang in _rings(export, p)
    no_growth = DetectConfig(rings=RingConfig(grow_ties=0))
    assert set(groups["first"]) in _rings(export, p, no_growth)
    assert not any(r & set(groups["family"]) for r in _rings(export, p))


def test_growth_needs_the_model_to_vouch_for_each_account() -> None:
    export, groups = _world()
    ids = list(export.nodes["account"].ids)
    p = np.full(len(ids), 0.05, dtype=np.float32)
    p[[ids.index(a) for a in groups["first"]]] = 0.8
    p[ids.index("b0")] = 0.8  # b0 looks like the gang, the rest of the second piece does not
    rings = _rings(export, p)
    assert set(groups["first"]) | {"b0"} in rings


def test_self_training_teaches_the_scorer_what_found_rings_look_like(tmp_path: Path) -> None:
    labels = {"a0": 1, **{f"o{i}": 0 for i in range(0, 40, 4)}}
    export, groups = _world(labels)
    ids = list(export.nodes["account"].ids)
    pseudo = np.where(account_flags(export), -1, 0)  # the second piece acts ring-like: no pseudo-label
    pseudo[[ids.index(a) for a in groups["first"]]] = 1  # the ring evidence found
    _, p, metrics = fit_account_scorer(export, ScorerConfig(), pseudo=pseudo)
    assert metrics["n_pseudo_fraud"] == 6
    second = [ids.index(a) for a in groups["second"]]
    family = [ids.index(a) for a in groups["family"]]
    assert p[second].min() > 0.5 > p[family].max()  # b* act like a*: the trees learned it from the pseudo-labels
    det = detect(export, DetectConfig(self_train=True, threads=1), tmp_path, "b")
    found = [{m.account_id for m in r.members} for r in det.rings]
    assert set(groups["first"] + groups["second"]) in found
    assert not any(r & set(groups["family"]) for r in found)
