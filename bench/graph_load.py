"""Benchmark: merge throughput of `riskgraph graph load` and export time, into the local Neo4j.

    python -m bench.graph_load --accounts 20000 --orders 80000 [--batch 5000] [--no-reload] [--warmup-accounts 5000]

Uses the synthetic work-folder generator of the tests (same Parquet shapes as ingest/) and a
throw-away Neo4j on a free port with its own store. Prints rows/s and relationships/s, rows/s and seconds per step,
the export time and the peak RSS of this process (the loader), and the Neo4j store size.
With `--warmup-accounts N` a smaller day with disjoint keys is loaded first (untimed, as the
previous night), so the timed load runs on a warm JVM like a long-running server's.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import socket
import tempfile
import time
from pathlib import Path

from graph import analyst
from graph.export import export_graph
from graph.loader import build_id_for, load
from graph.steps_ingest import ingest_steps
from graph.store import GraphStore, Neo4jConnection
from riskgraph.offline import configure_offline
from services import neo4j_local as local_server
from testing.workdir import write_synthetic_day

DATE = "2026-11-27"
WARMUP_DATE = "2026-11-26"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=20_000)
    ap.add_argument("--orders", type=int, default=80_000)
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--heap-mb", type=int, default=2048)
    ap.add_argument("--pagecache-mb", type=int, default=1024)
    ap.add_argument("--no-reload", action="store_true", help="skip the timed re-load of the same day")
    ap.add_argument("--warmup-accounts", type=int, default=0,
                    help="load an untimed day of this many accounts (disjoint keys) first, to warm the JVM")
    ap.add_argument("--workers", type=int, default=1, help="concurrent write transactions per load step")
    ap.add_argument("--keep", action="store_true", help="keep the temporary store and work folder")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-graph-"))
    try:
        run(args, tmp)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)  # a 1M-account store is ~10 GB


def run(args: argparse.Namespace, tmp: Path) -> None:
    configure_offline(tmp / "var")
    work = tmp / "work"
    t0 = time.perf_counter()
    write_synthetic_day(work, args.accounts, args.orders)
    print(f"work folder: {args.accounts:,} accounts, {args.orders:,} orders in {time.perf_counter() - t0:.1f}s")
    warm_work = tmp / "warmup"
    if args.warmup_accounts:
        write_synthetic_day(warm_work, args.warmup_accounts, 4 * args.warmup_accounts, seed=8, date=WARMUP_DATE,
                            first=50_000_000)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg = local_server.LocalNeo4jConfig(home=tmp / "neo4j", port=port, heap_mb=args.heap_mb,
                                        pagecache_mb=args.pagecache_mb)
    t0 = time.perf_counter()
    local_server.start(cfg)
    print(f"neo4j start-to-ready: {time.perf_counter() - t0:.1f}s")
    try:
        with GraphStore(Neo4jConnection(cfg.uri, "neo4j", local_server.read_or_create_password(cfg))) as store:
            if args.warmup_accounts:
                t0 = time.perf_counter()
                load(store, ingest_steps(warm_work), build_id_for(WARMUP_DATE), WARMUP_DATE, None, args.batch, args.workers)
                print(f"warm-up day ({args.warmup_accounts:,} accounts, untimed): {time.perf_counter() - t0:.1f}s")
            rels_before = sum(analyst.counts(store)[1].values())
            nodes_before = sum(analyst.counts(store)[0].values())
            t0 = time.perf_counter()
            report = load(store, ingest_steps(work), build_id_for(DATE), DATE, None, args.batch, args.workers)
            elapsed = time.perf_counter() - t0
            labels, rels = analyst.counts(store)
            n_rels = sum(rels.values()) - rels_before
            n_rows = sum(report.rows_written.values())
            n_nodes = sum(labels.values()) - nodes_before
            print(f"load: {n_rows:,} input rows, {n_nodes:,} nodes, {n_rels:,} relationships "
                  f"in {elapsed:.1f}s -> {n_rows / elapsed:,.0f} rows/s, {n_nodes / elapsed:,.0f} nodes/s, "
                  f"{n_rels / elapsed:,.0f} relationships/s")
            for step, n in report.rows_written.items():
                sec = report.seconds[step]
                print(f"  {step:16s} {n:>9,} rows {sec:7.1f}s {n / max(sec, 1e-9):>9,.0f} rows/s")
            rss_load = _peak_rss_mib()
            t0 = time.perf_counter()
            exp = export_graph(store, DATE, DATE)
            print(f"export: {len(exp.nodes['account']):,} accounts, {sum(len(e.src) for e in exp.edges):,} edges "
                  f"in {time.perf_counter() - t0:.1f}s; peak RSS {rss_load:.0f} MiB after load, "
                  f"{_peak_rss_mib():.0f} MiB after export")
            if not args.no_reload:
                t0 = time.perf_counter()
                load(store, ingest_steps(work), "build-rerun", DATE, None, args.batch, args.workers)
                print(f"re-load of the same day (all MERGE matches): {time.perf_counter() - t0:.1f}s")
    finally:
        local_server.stop(cfg)
    print(f"loader peak RSS: {_peak_rss_mib():.0f} MiB; "
          f"store: {local_server.status(cfg).data_bytes / 2**20:.0f} MiB")


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
