"""Integration (real Neo4j): one simulated world exported three ways — as the contract reads it,
with naive local timestamps plus `timezone`, and with a shop system's column names plus a mapping
and non-numeric order numbers — gives the same graph counts and the same account graph for gnn/
(so the same rings: `python -m bench.three_exports` runs the detection on all three)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from graph import analyst
from graph.export import export_graph
from graph.export_types import GraphExport
from graph.plan import load_work_dir
from graph.store import GraphStore
from ingest import ingest_clicks, ingest_orders
from simulate.config import SimConfig
from simulate.run import simulate_day
from testing.export_variants import KINDS, variant

pytestmark = pytest.mark.integration
DATE = "2026-11-26"


def canonical(exp: GraphExport) -> dict[str, object]:
    """The export with indices replaced by ids, nodes and edges sorted (the export's row order is
    Neo4j's, which is not fixed): equal worlds compare equal."""
    out: dict[str, object] = {name: (t.feature_names, sorted(zip(t.ids, np.round(t.features, 5).tolist(), strict=True)))
                              for name, t in exp.nodes.items()}
    for e in exp.edges:
        src, dst = exp.nodes[e.src_type].ids, exp.nodes[e.dst_type].ids
        out["/".join(e.key)] = sorted((src[s], dst[d], round(float(w), 5))
                                      for s, d, w in zip(e.src.tolist(), e.dst.tolist(), e.weight.tolist(), strict=True))
    out["labels"] = sorted(zip(exp.nodes["account"].ids, exp.account_labels.tolist(), strict=True))
    return out


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    return simulate_day(SimConfig(date=dt.date.fromisoformat(DATE), accounts=300, rings=3, media_fraction=0.0),
                        out).day_dir


def test_three_exports_of_one_world_give_one_graph(store: GraphStore, world: Path, tmp_path: Path) -> None:
    results = {}
    raw: dict[str, GraphExport] = {}
    for kind in KINDS:
        day = tmp_path / kind / DATE
        cfg = variant(world, day, kind)
        work = tmp_path / kind / "work"
        orders, clicks = ingest_orders(day, work, cfg), ingest_clicks(day, work, cfg)
        assert orders.quarantined == clicks.quarantined == 0, kind
        store.write("MATCH (n) DETACH DELETE n")
        load_work_dir(store, work, DATE)
        exp = export_graph(store, DATE, DATE)
        results[kind] = (analyst.counts(store), canonical(exp))
        raw[kind] = exp
    contract_counts, contract_export = results["contract"]
    assert contract_counts[0]["Order"] == 153 and contract_counts[0]["Account"] >= 300
    for kind in ("naive", "renamed"):
        assert results[kind][0] == contract_counts, kind
        assert results[kind][1] == contract_export, kind
    # the export is deterministic, not just equal up to order: gnn/ sees identical arrays
    for kind in ("naive", "renamed"):
        a, b = raw["contract"], raw[kind]
        assert all(a.nodes[t].ids == b.nodes[t].ids for t in a.nodes), kind
        assert all(np.array_equal(x.src, y.src) and np.array_equal(x.dst, y.dst) and np.array_equal(x.weight, y.weight)
                   for x, y in zip(a.edges, b.edges, strict=True)), kind
