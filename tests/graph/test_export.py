"""Integration: the GNN export read back from a real Neo4j after a load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from graph.export import export_graph
from graph.export_types import GraphExport
from graph.loader import build_id_for, load
from graph.steps_ingest import ingest_steps
from graph.store import GraphStore
from testing.workdir import write_day

pytestmark = pytest.mark.integration


def test_export_has_contract_shapes_and_round_trips(store: GraphStore, tmp_path: Path) -> None:
    write_day(tmp_path / "w", "2026-11-27")
    load(store, ingest_steps(tmp_path / "w"), build_id_for("2026-11-27"), "2026-11-27")
    exp = export_graph(store, "2026-11-27", "2026-11-27")

    acc = exp.nodes["account"]
    assert sorted(acc.ids)[:3] == ["A1", "A2", "A3"]
    assert acc.features.shape == (4, len(acc.feature_names)) and acc.features.dtype == np.float32
    f = dict(zip(acc.feature_names, acc.features[acc.ids.index("A1")], strict=True))
    assert f["n_orders"] == 1 and f["n_sales"] == 1 and f["n_returns"] == 1 and f["coupon_frac"] == 1.0
    assert f["fp_emulator"] == 1.0 and f["n_similar"] == 1

    rels = {e.key: e for e in exp.edges}
    loop = rels[("account", "buys_from", "account")]
    pairs = {(acc.ids[s], acc.ids[d]) for s, d in zip(loop.src, loop.dst, strict=True)}
    assert pairs == {("A1", "A2"), ("A2", "A3"), ("A3", "A1")}
    ships = rels[("account", "ships_to", "address")]
    # A1 and A2 wrote the drop address differently but reach the same Address node.
    assert ships.dst[list(ships.src).index(acc.ids.index("A1"))] == ships.dst[list(ships.src).index(acc.ids.index("A2"))]
    for e in exp.edges:
        assert e.src.max(initial=-1) < len(exp.nodes[e.src_type]) and e.dst.max(initial=-1) < len(exp.nodes[e.dst_type])

    exp.save(tmp_path / "export")
    back = GraphExport.load(tmp_path / "export")
    assert back.nodes["account"].ids == acc.ids and np.array_equal(back.nodes["account"].features, acc.features)
    assert [e.key for e in back.edges] == [e.key for e in exp.edges]
