"""One simulated world exported three ways (testing/export_variants.py) through ingest → graph load →
export → gnn detection: prints graph counts and rings per export and whether they agree.

    flock /tmp/riskgraph-bench.lock python -m bench.three_exports --accounts 3000 --rings 10

Each export is loaded into an emptied throw-away local Neo4j; detection trains with the same seed
on each export, so equal exports must give equal rings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import socket
import tempfile
import time
from pathlib import Path

from graph import analyst
from graph.export import export_graph
from graph.plan import load_work_dir
from graph.store import GraphStore, Neo4jConnection
from ingest import ingest_clicks, ingest_orders
from riskgraph.offline import configure_offline
from services import neo4j_local as local_server
from simulate.config import SimConfig
from simulate.run import simulate_day
from testing.export_variants import KINDS, variant

DATE = "2026-11-26"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=3000)
    ap.add_argument("--rings", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-three-"))
    try:
        run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, tmp: Path) -> None:
    configure_offline(tmp / "var")
    from gnn.detect import DetectConfig, detect  # torch: after the offline settings

    world = simulate_day(SimConfig(date=dt.date.fromisoformat(DATE), accounts=args.accounts, rings=args.rings,
                                   seed=args.seed, media_fraction=0.0), tmp / "raw").day_dir
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg = local_server.LocalNeo4jConfig(home=tmp / "neo4j", port=port, heap_mb=1024, pagecache_mb=512)
    local_server.start(cfg)
    results = {}
    try:
        with GraphStore(Neo4jConnection(cfg.uri, "neo4j", local_server.read_or_create_password(cfg))) as store:
            for kind in KINDS:
                t0 = time.perf_counter()
                day = tmp / kind / DATE
                icfg = variant(world, day, kind)
                work = tmp / kind / "work"
                orders, clicks = ingest_orders(day, work, icfg), ingest_clicks(day, work, icfg)
                store.write("MATCH (n) DETACH DELETE n")
                load_work_dir(store, work, DATE)
                labels, rels = analyst.counts(store)
                exp = export_graph(store, DATE, DATE)
                det = detect(exp, DetectConfig(threads=1), tmp / kind / "models", f"build-{DATE}", "2026-11-27T00:00:00")
                rings = sorted(tuple(sorted(m.account_id for m in r.members)) for r in det.rings)
                results[kind] = (labels, rels, rings)
                print(f"{kind:9s} quarantined {orders.quarantined + clicks.quarantined}, "
                      f"{sum(labels.values()):,} nodes, {sum(rels.values()):,} relationships, "
                      f"{len(rings)} rings ({sum(map(len, rings))} members) in {time.perf_counter() - t0:.1f}s")
    finally:
        local_server.stop(cfg)
    base = results["contract"]
    for kind in KINDS[1:]:
        same = [name for name, a, b in zip(("node counts", "relationship counts", "rings"), base, results[kind],
                                           strict=True) if a == b]
        print(f"{kind} vs contract: same {', '.join(same) or 'nothing'}"
              f"{'' if len(same) == 3 else '  <-- DIFFERENT'}")


if __name__ == "__main__":
    main()
