"""Integration (real local Neo4j, real importer): the nightly's graph stage builds an empty local
graph with the offline importer, then keeps the MERGE path for the next night; an unchanged night
is a no-op after either; a forced bulk over several days is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graph.analyst import counts
from graph.store import GraphStore, Neo4jConnection
from nightly.run import NightlyPlan
from riskgraph.nightly import run_nightly
from riskgraph.settings import Settings
from services import neo4j_local as local_server
from simulate import SimConfig, simulate_day
from testing.ports import free_port

pytestmark = pytest.mark.integration
D1, D2 = "2026-11-27", "2026-11-28"


def test_first_night_is_imported_later_nights_merge(tmp_path: Path) -> None:
    cfg = local_server.LocalNeo4jConfig(home=tmp_path / "neo4j", port=free_port(), heap_mb=512, pagecache_mb=128)
    settings = Settings(var_dir=tmp_path / "var", neo4j_data_dir=cfg.home, neo4j_port=cfg.port, neo4j_heap_mb=512,
                        neo4j_pagecache_mb=128, graph_import_memory_mb=256)
    try:
        runs = {}
        for date in (D1, D1, D2):
            day = simulate_day(SimConfig(date=dt.date.fromisoformat(date), accounts=200, rings=2, media_fraction=0.0),
                               tmp_path / "raw").day_dir
            plan = NightlyPlan(date=date, day_dir=day, work_dir=tmp_path / "work" / date, stages=("ingest", "graph"))
            run = run_nightly(settings, plan)
            assert not run.failed, run.outcomes
            graph = next(o for o in run.outcomes if o.name == "graph")
            runs.setdefault(date, []).append((run.artefacts["load_mode"], dict(graph.counts)))
        (first, first_counts), (again, _) = runs[D1]
        assert first == "new" and first_counts["bulk_import_ms"] > 0  # the importer built the first night
        assert again == "unchanged"  # same inputs: the Build record the import wrote says so
        mode, delta_counts = runs[D2][0]
        assert mode == "new" and "bulk_import_ms" not in delta_counts and delta_counts["steps_run"] > 5
        with GraphStore(Neo4jConnection(cfg.uri, "neo4j", local_server.read_or_create_password(cfg))) as store:
            labels, _ = counts(store)
            assert labels["Account"] >= 200 and labels["Build"] == 2
        forced = Settings(**{**settings.__dict__, "graph_load": "bulk"})
        plan = NightlyPlan(date=D2, day_dir=tmp_path / "raw" / D2, work_dir=tmp_path / "work" / D2, stages=("graph",))
        graph = next(o for o in run_nightly(forced, plan).outcomes if o.name == "graph")
        assert graph.status == "failed" and "holds other days" in graph.error
    finally:
        local_server.stop(cfg)
