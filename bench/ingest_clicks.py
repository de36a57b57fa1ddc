"""Benchmark: `riskgraph ingest clicks` on N generated click events (default 10 M).

    python -m bench.ingest_clicks [--events 10000000] [--data DIR] [--threads 2]

Generates the day with testing.clickgen in a subprocess (cached in DIR, so the generator's memory is
not counted), then runs ingest_clicks in this process and prints wall time per step, throughput,
peak RSS (ru_maxrss of this process) and pair recall/precision against the planted rings.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--data", type=Path, default=None, help="day folder to (re)use; default a temp folder")
    ap.add_argument("--threads", type=int, default=2, help="POLARS_MAX_THREADS (the target is 2 cores)")
    args = ap.parse_args()
    os.environ["POLARS_MAX_THREADS"] = str(args.threads)  # must be set before polars is imported

    day = args.data or Path(tempfile.mkdtemp(prefix="bench-clicks-"))
    if not (day / "truth.csv").exists():
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "testing.clickgen", str(day), "--events", str(args.events)],
                       check=True)
        print(f"generated {args.events:,} events in {time.perf_counter() - t:.1f} s -> {day}")

    import polars as pl

    from ingest import IngestConfig, ingest_clicks
    from testing.pair_eval import score_pairs

    size = sum(f.stat().st_size for f in (day / "clicks").glob("*.jsonl"))
    marks: dict[str, float] = {}
    start = time.perf_counter()

    def on_progress(step: str, done: int, total: int, unit: str) -> None:
        marks[f"{step} {done}/{total}" if unit == "steps" else step] = time.perf_counter() - start

    with tempfile.TemporaryDirectory(prefix="bench-work-") as work:
        result = ingest_clicks(day, Path(work), IngestConfig(), on_progress)
        total = time.perf_counter() - start
        pairs = pl.read_parquet(Path(work) / "similar_pairs.parquet")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB -> GiB
    truth = pl.read_csv(day / "truth.csv")
    score = score_pairs(pairs, truth.filter(pl.col("ring_id") >= 0)
                        .select("account_id", pl.col("ring_id").alias("group")))
    events = result.rows["sessions"]
    print(f"polars threads: {pl.thread_pool_size()}, cpus: {os.cpu_count()}")
    print(f"input: {size / 2**20:,.0f} MiB of JSONL in {len(list((day / 'clicks').glob('*.jsonl')))} files")
    print("step timings (s since start):")
    for name, t in marks.items():
        print(f"  {name:<28} {t:8.1f}")
    print(f"total: {total:.1f} s, {args.events / total:,.0f} events/s, {size / 2**20 / total:,.1f} MiB/s")
    print(f"peak RSS: {rss:.2f} GiB")
    print(f"outputs: {result.rows} (sessions={events:,}), quarantined {result.quarantined}")
    print(f"pairs vs planted rings: recall {score.recall:.3f}, precision {score.precision:.3f} "
          f"({score.correct}/{score.found_pairs} found, {score.true_pairs} true)")


if __name__ == "__main__":
    main()
