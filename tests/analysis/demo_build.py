"""A small demo build made in the test session: a simulated day through the real nightly build
(ingest, Whisper, Neo4j load, GNN), its evaluation, and the nightly report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from nightly.run import NightlyRun
from riskgraph.settings import Settings
from services.neo4j_local import LocalNeo4jConfig, read_or_create_password

DATE = "2026-11-27"


@dataclass(frozen=True)
class DemoBuild:
    settings: Settings
    raw_day: Path
    truth_dir: Path
    work_day: Path
    run: NightlyRun
    report_md: Path


def build_demo(root: Path, neo4j: LocalNeo4jConfig) -> DemoBuild:
    from gnn.detect import DetectConfig
    from gnn.evaluate import evaluate
    from gnn.report import write_report
    from gnn.truth import read_truth
    from graph.store import GraphStore, Neo4jConnection
    from nightly.run import NightlyPlan
    from riskgraph.commands.nightly import write_nightly_report
    from riskgraph.nightly import run_nightly
    from simulate import SimConfig, simulate_day

    password = read_or_create_password(neo4j)
    with GraphStore(Neo4jConnection(neo4j.uri, "neo4j", password)) as store:
        store.write("MATCH (n) DETACH DELETE n")  # other modules' leftovers
    raw, work = root / "raw", root / "work"
    # 400 accounts, 3 rings; media on 30% of returns/calls keeps a few calls for the transcript view
    simulate_day(SimConfig(date=dt.date.fromisoformat(DATE), accounts=400, rings=3, seed=0, media_fraction=0.3), raw)
    settings = Settings(var_dir=root / "var", neo4j_uri=neo4j.uri, neo4j_password=password, gnn_threads=1)
    plan = NightlyPlan(date=DATE, day_dir=raw / DATE, work_dir=work / DATE, stages=("ingest", "asr", "graph", "gnn"))
    run = run_nightly(settings, plan)
    assert not run.failed, run.outcomes
    export = run.artefacts["export"]
    report = evaluate(export, read_truth(raw / "truth" / DATE), DetectConfig(threads=1), root / "models", "eval")
    _, png = write_report(report, work / DATE / "evaluation")
    md = write_nightly_report(settings, run, report, png)
    return DemoBuild(settings, raw / DATE, raw / "truth" / DATE, work / DATE, run, md)
