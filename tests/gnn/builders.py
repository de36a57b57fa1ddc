"""Hand-built GraphExports for gnn tests: name accounts and things, list edges, get an export."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from graph.export_types import EdgeTable, GraphExport, NodeTable

THING_TYPE = {"uses_device": "device", "uses_ip": "ip", "ships_to": "address", "label_address": "address",
              "has_phone": "phone", "called_from": "phone", "claimed": "coupon",
              "buys_from": "account", "behaves_like": "account"}


def own_ties(account: str) -> list[tuple[str, str, str, float]]:
    """A clean account's edges: a device, an IP and a phone of its own."""
    return [("uses_device", account, f"dev-{account}", 1), ("uses_ip", account, f"ip-{account}", 1),
            ("has_phone", account, f"ph-{account}", 1)]


def build_export(accounts: Mapping[str, Mapping[str, float]],
                 edges: Sequence[tuple[str, str, str, float]],
                 labels: Mapping[str, int] | None = None) -> GraphExport:
    """accounts: id -> {feature: value} (missing features are 0); edges: (relation, account, thing, weight).

    Things are created on first mention, typed by the relation (THING_TYPE); every node type gets
    a `degree` feature. Labels default to -1 (unknown).
    """
    acc_ids = tuple(accounts)
    names = tuple(sorted({f for feats in accounts.values() for f in feats}))
    x = np.array([[accounts[a].get(f, 0.0) for f in names] for a in acc_ids], dtype=np.float32).reshape(len(acc_ids), -1)
    things: dict[str, list[str]] = {}
    for rel, _, thing, _ in edges:
        typ = THING_TYPE[rel]
        if typ != "account" and thing not in things.setdefault(typ, []):
            things[typ].append(thing)
    index = {"account": {a: i for i, a in enumerate(acc_ids)}}
    index.update({t: {v: i for i, v in enumerate(vs)} for t, vs in things.items()})
    grouped: dict[str, list[tuple[int, int, float]]] = {}
    for rel, a, thing, w in edges:
        grouped.setdefault(rel, []).append((index["account"][a], index[THING_TYPE[rel]][thing], w))
    tables = []
    degree = {t: np.zeros(len(vs), dtype=np.float32) for t, vs in things.items()}
    for rel, rows in grouped.items():
        src, dst, w = (np.array(c) for c in zip(*rows, strict=True))
        tables.append(EdgeTable("account", rel, THING_TYPE[rel], src.astype(np.int64), dst.astype(np.int64),
                                w.astype(np.float32)))
        if THING_TYPE[rel] in degree:
            np.add.at(degree[THING_TYPE[rel]], dst, 1.0)
    nodes = {"account": NodeTable(acc_ids, x, names)}
    nodes.update({t: NodeTable(tuple(vs), degree[t][:, None], ("degree",)) for t, vs in things.items()})
    y = np.array([(labels or {}).get(a, -1) for a in acc_ids], dtype=np.int8)
    return GraphExport(nodes, tuple(tables), ("2026-01-01", "2026-01-01"), y)


def scenario() -> tuple[GraphExport, dict[str, list[str]]]:
    """28 accounts: a 6-account coupon gang, a family of four, a 5-account order loop, 13 ordinary.

    Returns the export and the groups by name ("gang", "family", "loop", "normal").
    """
    gang = [f"g{i}" for i in range(6)]
    family = [f"f{i}" for i in range(4)]
    loop = [f"l{i}" for i in range(5)]
    normal = [f"n{i}" for i in range(13)]
    accounts: dict[str, dict[str, float]] = {}
    edges: list[tuple[str, str, str, float]] = []
    for i, a in enumerate(normal + family):
        accounts[a] = {"age_days": 400.0 + 30 * i, "n_orders": 3 + i % 4, "coupon_frac": 0.05, "return_rate": 0.0}
    for i, a in enumerate(gang):
        accounts[a] = {"age_days": 2.0 + i, "n_orders": 1, "coupon_frac": 1.0, "return_rate": 0.0}
    for i, a in enumerate(loop):
        accounts[a] = {"age_days": 10.0 + i, "n_orders": 9, "n_sales": 9, "coupon_frac": 0.0, "return_rate": 0.0}
    for i, a in enumerate(normal + loop + gang + family):
        edges += [("uses_device", a, f"dev-{a}", 2), ("uses_ip", a, f"ip-{a}", 2), ("ships_to", a, f"addr-{a}", 1),
                  ("has_phone", a, f"ph-{a}", 1), ("buys_from", a, normal[i % 3], 1)]
    for i, a in enumerate(gang):
        edges += [("uses_device", a, f"gang-dev-{i % 2}", 5), ("uses_ip", a, "gang-ip", 5),
                  ("claimed", a, "coupon-618", 29_000_000 + i)]
        edges += [("behaves_like", a, b, 0.9) for b in gang[i + 1:]]
    for a in family:
        edges += [("ships_to", a, "addr-family", 3), ("uses_device", a, "dev-family-tablet", 2),
                  ("uses_ip", a, "ip-family", 3)]
    for i, a in enumerate(loop):
        edges += [("buys_from", a, loop[(i + 1) % 5], 6), ("uses_ip", a, "loop-ip", 2)]
    for a in normal:  # the public coupon: claimed all day long, never in a burst
        edges.append(("claimed", a, "coupon-618", 29_000_000 + 100 * (normal.index(a) + 1)))
    labels = {gang[0]: 1, gang[1]: 1, loop[0]: 1, loop[1]: 1, **{a: 0 for a in normal[:8] + family[:2]}}
    return build_export(accounts, edges, labels), {"gang": gang, "family": family, "loop": loop, "normal": normal}
