"""Benchmark: time and peak memory of `simulate_day` at scale (no media).

    PYTHONPATH=. python bench/simulate_scale.py --accounts 100000 [--rings 10] [--out /tmp/simbench]

Prints wall time per stage (world, day plan, writing), rows written, throughput and the
process's peak RSS (ru_maxrss; media workers are not used at --media-fraction 0).
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from simulate import SimConfig
from simulate.build import build_world
from simulate.day import plan_day
from simulate.ids import day_number
from simulate.writer import write_inputs, write_truth


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--rings", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None, help="output folder (default: a temporary one, removed)")
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="simbench-"))
    cfg = SimConfig(date=dt.date(2026, 11, 27), accounts=args.accounts, rings=args.rings, seed=args.seed,
                    media_fraction=0.0)
    t0 = time.perf_counter()
    built = build_world(cfg)
    t1 = time.perf_counter()
    day = plan_day(cfg, built)
    t2 = time.perf_counter()
    rng = np.random.default_rng([cfg.seed, day_number(cfg.date), 4])
    events = write_inputs(day, built, out / cfg.date.isoformat(), rng)
    write_truth(day, built, out / "truth" / cfg.date.isoformat(), cfg.difficulty)
    t3 = time.perf_counter()
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    size_mib = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2**20
    rows = day.accounts.height + day.orders.height + day.returns.height + day.calls.height + events
    print(f"accounts={cfg.accounts:,} rings={cfg.rings}")
    print(f"world {t1 - t0:.1f}s | day plan {t2 - t1:.1f}s | write {t3 - t2:.1f}s | total {t3 - t0:.1f}s")
    print(f"rows: accounts {day.accounts.height:,}, orders {day.orders.height:,}, returns {day.returns.height:,}, "
          f"calls {day.calls.height:,}, click events {events:,}  ({rows / (t3 - t0):,.0f} rows/s)")
    print(f"output {size_mib:,.0f} MiB | peak RSS {peak_gib:.2f} GiB")
    if args.out is None:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
