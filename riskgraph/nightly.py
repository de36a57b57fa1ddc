"""The concrete nightly stages, wired from Settings (the composition root's job)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Mapping

from graph.analyst import counts
from graph.bulk import bulk_fits, bulk_load_local, local_store_absent
from graph.bulk_tables import NotBulkLoadable
from graph.export import export_graph
from graph.loader import build_id_for
from graph.plan import load_plan, load_work_dir
from graph.store import GraphStore
from graph.writeback import write_account_scores, write_rings
from ingest import ingest_clicks, ingest_orders
from ingest.errors import RiskgraphError
from nightly.report import COUNTS_BEFORE
from nightly.run import NightlyPlan, NightlyRun
from riskgraph.executors import media_executor
from riskgraph.settings import Settings
from riskgraph.wiring import (
    entity_config,
    ingest_config,
    local_neo4j_config,
    open_store,
    read_spec,
    transcriber_factory,
)
from vision import DEFAULT_WEIGHTS

log = logging.getLogger(__name__)


def run_nightly(settings: Settings, plan: NightlyPlan, on_stage: Callable[[str], None] = lambda _n: None) -> NightlyRun:
    """Run the requested stages for one day; never raises for a stage failure (see NightlyRun)."""
    run = NightlyRun(plan, on_stage)
    day, work, date = plan.day_dir, plan.work_dir, plan.date
    if not (day / "accounts.csv").exists():
        raise RiskgraphError(f"{day} is not a day folder (no accounts.csv): expected the input contract of docs/ingest.md")
    work.mkdir(parents=True, exist_ok=True)
    build_id = build_id_for(date)
    run.artefacts["build_id"] = build_id

    def ingest_stage() -> Mapping[str, int]:
        cfg = ingest_config(settings)
        build_date = dt.date.fromisoformat(plan.date)
        orders = ingest_orders(day, work, cfg, build_date=build_date)
        clicks = ingest_clicks(day, work, cfg, build_date=build_date)
        return {**orders.rows, **clicks.rows, "quarantined": orders.quarantined + clicks.quarantined,
                **orders.without_media}

    def asr_stage() -> Mapping[str, int]:
        from asr import JobOptions, transcribe_day

        with media_executor(settings, local_processes=settings.asr_workers) as runner:
            result = transcribe_day(day, work, transcriber_factory(settings),
                                    JobOptions(max_seconds=float(settings.asr_max_seconds),
                                               default_language=settings.asr_language,
                                               read=read_spec(settings, day),
                                               entities=entity_config(settings, day)), executor=runner)
        return {"transcribed": result.transcribed, "reused": result.reused, "already_done": result.skipped,
                "quarantined": len(result.quarantine)}

    def vision_stage() -> Mapping[str, int]:
        from vision.batch import ReaderSpec, read_day

        fraud_csv = day / "reference" / "fraud_addresses.csv"
        spec = ReaderSpec(weights=settings.vision_weights or DEFAULT_WEIGHTS,
                          fraud_csv=fraud_csv if fraud_csv.is_file() else None,
                          detector=settings.vision_detector, ocr=settings.vision_ocr)
        with media_executor(settings, local_processes=settings.vision_workers) as runner:
            result = read_day(day, work, spec, workers=settings.vision_workers,
                              read=read_spec(settings, day), executor=runner)
        return {"reads": result.reads, "reused": result.reused, "quarantined": result.quarantined}

    def graph_stage() -> Mapping[str, int]:
        if settings.graph_load not in ("auto", "merge", "bulk"):
            raise RiskgraphError(f"setting graph_load must be auto, merge or bulk, not {settings.graph_load!r}")
        report = None
        if settings.graph_load != "merge" and not settings.external_neo4j \
                and local_store_absent(local_neo4j_config(settings), settings.neo4j_database):
            run.artefacts[COUNTS_BEFORE] = ({}, {})  # no store yet: import without starting the server first
        else:
            with open_store(settings) as store:
                run.artefacts[COUNTS_BEFORE] = counts(store)  # the report's "graph growth"
                if not _use_bulk(settings, store, build_id):
                    report = load_work_dir(store, work, date, None, settings.graph_batch_size, settings.graph_workers)
        if report is None:
            try:
                report = bulk_load_local(local_neo4j_config(settings), load_plan(work), work, date,
                                         settings.neo4j_database, offheap_mb=settings.graph_import_memory_mb)
            except NotBulkLoadable as e:  # checked before the store is touched: the MERGE plan takes over
                log.warning("bulk import not possible (%s); loading through MERGE", e)
                with open_store(settings) as store:
                    report = load_work_dir(store, work, date, None, settings.graph_batch_size, settings.graph_workers)
        run.artefacts["load_mode"] = report.mode
        bulk_ms = {f"{k.replace('.', '_')}_ms": round(1000 * v) for k, v in report.seconds.items() if k.startswith("bulk.")}
        return {"rows": sum(report.rows_written.values()), "steps_run": len(report.steps_run),
                "steps_skipped": len(report.steps_skipped), f"day_{report.mode}": 1, **bulk_ms}

    def gnn_stage() -> Mapping[str, int]:
        from gnn.detect import DetectConfig, detect  # torch: imported only when this stage runs

        with open_store(settings) as store:
            t0 = time.perf_counter()
            export = export_graph(store, date, date)
            t1 = time.perf_counter()
            det = detect(export, DetectConfig(threads=settings.gnn_threads), settings.var_dir / "models", build_id)
            t2 = time.perf_counter()
            write_account_scores(store, det.scores, det.model_version, build_id)
            write_rings(store, det.rings, det.model_version, build_id)
            t3 = time.perf_counter()
        run.artefacts.update(export=export, detection=det)
        # Where the stage's time goes (the scale benchmark and the report show it), in milliseconds.
        return {"accounts": len(det.scores), "rings": len(det.rings), "export_ms": round(1000 * (t1 - t0)),
                "detect_ms": round(1000 * (t2 - t1)), "writeback_ms": round(1000 * (t3 - t2))}

    run.run("ingest", ingest_stage)
    run.run("asr", asr_stage)
    run.run("vision", vision_stage)
    run.run("graph", graph_stage, needs=("ingest",))
    run.run("gnn", gnn_stage, needs=("graph",))
    return run


def _use_bulk(settings: Settings, store: GraphStore, build_id: str) -> bool:
    """The offline importer for a first build of the local graph (graph_load auto, the default) or a
    forced rebuild of the one day it holds (graph_load bulk); MERGE for everything else."""
    mode = settings.graph_load
    if mode == "merge":
        return False
    if settings.external_neo4j:
        if mode == "bulk":
            raise RiskgraphError("graph_load=bulk needs the local Neo4j: for an external server write the import "
                                 "files with `riskgraph graph import-files` and run neo4j-admin on that host "
                                 "(docs/graph.md)")
        return False
    if mode == "auto":
        return store.read("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0
    if not bulk_fits(store, build_id):
        raise RiskgraphError("graph_load=bulk rebuilds a graph that is empty or holds only this day; this one "
                             "holds other days (use graph_load=merge, or start from an empty store)")
    return True
