"""Benchmark: the whole nightly at scale, stage by stage, so the cost curve is visible.

    flock /tmp/riskgraph-bench.lock python -m bench.nightly_scale --accounts 100000 [--media-fraction 0.01] \\
        [--delta [--delta-fraction 0.1]] [--graph-load auto|merge|bulk] [--heap-mb 2048 --pagecache-mb 2048] \\
        [--order-rate-scale 10 --order-id-digits 11] [--raw DIR]

Simulates day D (`simulate_day`, media only at --media-fraction > 0), then runs `run_nightly`
(ingest → asr → vision → graph load → export → GNN + rings → write-back) against a throw-away
local Neo4j on a free port with its own store. With --delta it then simulates day D+1 of the same
world (every account listed again, a new day of orders and clicks; with --delta-fraction F only the
rows of a share F of the accounts, `testing/day_sample.py`) and runs the nightly on it too: the
graph already holds D, so that load takes the MERGE path. --order-rate-scale makes the day denser
(10 at 1M accounts: ≈ 26M relationships). With --raw the simulated days are kept in DIR and reused
by a later run with the same settings.

Prints each stage's wall time, the peak RSS of this process (with its children: media renderers,
OCR workers) and of the Neo4j server during the stage, sampled every 0.2 s, and the load average.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import logging
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from graph import analyst
from nightly.run import NightlyPlan, NightlyRun
from riskgraph.offline import configure_offline
from riskgraph.settings import Settings
from riskgraph.wiring import open_store
from services import neo4j_local as local_server
from simulate import SimConfig, simulate_day
from testing.day_sample import sample_day

DATE = dt.date(2026, 11, 27)


@dataclass
class PeakSampler:
    """Peak RSS (MiB) per phase of this process tree (the server excluded) and of the server."""

    server_pid: Callable[[], int | None]
    phase: str = "start"
    peaks: dict[str, tuple[float, float]] = field(default_factory=dict)  # phase -> (ours, server)
    _stop: threading.Event = field(default_factory=threading.Event)

    def _rss(self, procs: list[psutil.Process]) -> float:
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total / 2**20

    def _loop(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.2):
            pid = self.server_pid()
            try:
                tree = [me, *me.children(recursive=True)]
            except psutil.Error:
                tree = [me]
            ours = self._rss([p for p in tree if p.pid != pid])
            server = self._rss([p for p in tree if p.pid == pid]) if pid else 0.0
            old = self.peaks.get(self.phase, (0.0, 0.0))
            self.peaks[self.phase] = (max(old[0], ours), max(old[1], server))

    @contextmanager
    def running(self) -> Iterator[PeakSampler]:
        t = threading.Thread(target=self._loop, daemon=True)
        t.start()
        try:
            yield self
        finally:
            self._stop.set()
            t.join()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--rings", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--media-fraction", type=float, default=0.0, help="share of returns/calls with a photo/recording")
    ap.add_argument("--order-rate-scale", type=float, default=1.0,
                    help="multiply every account's order rate (a denser graph: ~25M relationships at 1M needs ~12)")
    ap.add_argument("--order-id-digits", type=int, default=10, help="order id length (10 allows 1M orders a day)")
    ap.add_argument("--delta", action="store_true", help="then build day D+1 on top (the MERGE path)")
    ap.add_argument("--delta-fraction", type=float, default=1.0,
                    help="D+1 holds the rows of this share of the accounts (1.0: every account, a full day)")
    ap.add_argument("--graph-load", choices=("auto", "merge", "bulk"), default="auto",
                    help="auto: bulk import into an empty graph, MERGE otherwise (RISKGRAPH_GRAPH_LOAD)")
    ap.add_argument("--heap-mb", type=int, default=2048)
    ap.add_argument("--pagecache-mb", type=int, default=2048)
    ap.add_argument("--workers", type=int, default=2, help="concurrent write transactions per load step")
    ap.add_argument("--batch", type=int, default=5000, help="rows per load transaction")
    ap.add_argument("--import-memory-mb", type=int, default=2048, help="off-heap memory of the offline importer")
    ap.add_argument("--stages", default="", help="comma list of nightly stages (default: all that apply)")
    ap.add_argument("--dir", type=Path, default=None, help="working folder (default: a temporary one, removed)")
    ap.add_argument("--raw", type=Path, default=None,
                    help="keep the simulated days here and reuse a day simulated before with the same settings "
                         "(so a quiet machine is spent on the nightly, not on the simulator)")
    args = ap.parse_args()
    tmp = args.dir or Path(tempfile.mkdtemp(prefix="bench-nightly-"))
    try:
        run(args, tmp)
    finally:
        if args.dir is None:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, tmp: Path) -> None:
    from riskgraph.nightly import run_nightly  # after configure_offline: it imports the ML stack

    configure_offline(tmp / "var")
    handler = logging.StreamHandler(sys.stdout)  # per load step and per export query: where the time goes
    handler.setFormatter(logging.Formatter("    %(name)s: %(message)s"))
    for name in ("graph.loader", "graph.export", "graph.bulk"):
        logging.getLogger(name).setLevel(logging.DEBUG)
        logging.getLogger(name).addHandler(handler)
    cfg = local_server.LocalNeo4jConfig(home=tmp / "neo4j", port=_free_port(), heap_mb=args.heap_mb,
                                        pagecache_mb=args.pagecache_mb)
    settings = Settings(var_dir=tmp / "var", neo4j_data_dir=cfg.home, neo4j_port=cfg.port,
                        neo4j_heap_mb=args.heap_mb, neo4j_pagecache_mb=args.pagecache_mb,
                        graph_workers=args.workers, graph_batch_size=args.batch,
                        graph_load=args.graph_load,
                        graph_import_memory_mb=args.import_memory_mb)
    media = ("asr", "vision") if args.media_fraction else ()
    stages = tuple(args.stages.split(",")) if args.stages else ("ingest", *media, "graph", "gnn")
    print(f"nightly_scale: {args.accounts:,} accounts, media fraction {args.media_fraction}, "
          f"graph load {args.graph_load}; load average {_load()}", flush=True)
    sampler = PeakSampler(lambda: local_server.status(cfg).pid)
    days = [DATE, DATE + dt.timedelta(days=1)] if args.delta else [DATE]
    total = 0.0
    before = (0, 0)
    try:
        with sampler.running():
            for date in days:
                sim = SimConfig(date=date, accounts=args.accounts, rings=args.rings, seed=args.seed,
                                media_fraction=args.media_fraction, order_rate_scale=args.order_rate_scale,
                                order_id_digits=args.order_id_digits)
                sampler.phase = f"{date}:simulate"
                fraction = args.delta_fraction if date != DATE else 1.0
                day_dir, facts = _simulated(sim, args.raw or tmp / "raw", fraction, args.seed)
                if "kept" in facts:
                    print(f"[{date}] delta: the rows of {fraction:.0%} of the accounts: " + ", ".join(
                        f"{k} {facts['kept'][k]:,} of {facts['total'][k]:,}" for k in facts["kept"]), flush=True)
                print(f"[{date}] simulate {facts['seconds']:.1f}s{' (reused)' if facts['reused'] else ''}: "
                      f"{facts['accounts']:,} accounts, {facts['orders']:,} orders, "
                      f"{facts['click_events']:,} click events, {facts['photos']:,} photos, "
                      f"{facts['recordings']:,} recordings; load average {_load()}", flush=True)
                plan = NightlyPlan(date=date.isoformat(), day_dir=day_dir,
                                   work_dir=tmp / "work" / date.isoformat(),
                                   stages=stages)

                def on_stage(name: str, d: dt.date = date) -> None:
                    sampler.phase = f"{d}:{name}"
                    print(f"[{d}] {name} ... (load average {_load()})", flush=True)

                t0 = time.perf_counter()
                result = run_nightly(settings, plan, on_stage)
                wall = time.perf_counter() - t0
                total += wall
                _print_day(date, result, sampler, wall)
                size = _graph_size(settings)
                print(f"[{date}] graph holds {sum(size):,} nodes + relationships ({size[0]:,} + {size[1]:,}); "
                      f"this night changed the count by {sum(size) - sum(before):+,}\n", flush=True)
                before = size
    finally:
        local_server.stop(cfg)
    print(f"nightly wall time over {len(days)} day(s), without simulation: {total:.1f}s; "
          f"store {local_server.status(cfg).data_bytes / 2**20:,.0f} MiB; load average {_load()}")


def _simulated(sim: SimConfig, raw: Path, fraction: float, seed: int) -> tuple[Path, dict]:
    """Simulate `sim` into `raw` (thinned to `fraction` of the accounts), or reuse the day found
    there from the same settings; returns the day folder and what the run prints about it."""
    key = {**{k: str(v) for k, v in dataclasses.asdict(sim).items()}, "fraction": fraction}
    facts_file = raw / f".bench-{sim.date.isoformat()}.json"
    if facts_file.is_file():
        facts = json.loads(facts_file.read_text())
        if facts["key"] == key:
            return Path(facts["day_dir"]), {**facts, "reused": True}
        facts_file.unlink()
    t0 = time.perf_counter()
    summary = simulate_day(sim, raw)
    facts = {"key": key, "day_dir": str(summary.day_dir), "accounts": summary.accounts, "orders": summary.orders,
             "click_events": summary.click_events, "photos": summary.photos, "recordings": summary.recordings}
    if fraction < 1.0:
        sample = sample_day(summary.day_dir, fraction, seed)
        facts.update(kept=sample.kept, total=sample.total)
    facts["seconds"] = time.perf_counter() - t0
    facts_file.write_text(json.dumps(facts))
    return summary.day_dir, {**facts, "reused": False}


def _graph_size(settings: Settings) -> tuple[int, int]:
    with open_store(settings, start_if_needed=False) as store:
        nodes, rels = analyst.counts(store)
    return sum(nodes.values()), sum(rels.values())


def _print_day(date: dt.date, result: NightlyRun, sampler: PeakSampler, wall: float) -> None:
    print(f"[{date}] nightly {wall:.1f}s (load average {_load()})")
    print(f"  {'stage':8s} {'status':7s} {'seconds':>8s} {'peak RSS MiB':>13s} {'neo4j RSS MiB':>14s}  counts")
    for o in result.outcomes:
        if o.error == "not requested":
            continue
        ours, server = sampler.peaks.get(f"{date}:{o.name}", (0.0, 0.0))
        counts = ", ".join(f"{k}={v:,}" for k, v in o.counts.items())
        print(f"  {o.name:8s} {o.status:7s} {o.seconds:8.1f} {ours:13,.0f} {server:14,.0f}  {counts} {o.error}")


if __name__ == "__main__":
    main()
