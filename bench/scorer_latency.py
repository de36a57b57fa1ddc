"""In-process decision latency of the streaming scorer on one core.

Measures parse_event -> Scorer.decide -> encode_decision per event (what the scorer does per
event besides I/O), after a warm-up pass over different events. Like `riskgraph score`, it
freezes the heap into the collector's permanent generation once the alerts are loaded
(gc.freeze); --no-gc-freeze shows what that buys.

    PYTHONPATH=. python -m bench.scorer_latency [--rings 1000] [--events 200000] [--no-gc-freeze]
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import time
from collections import Counter

from alerts.events import encode_decision, parse_event
from alerts.scorer import AlertIndex, Scorer
from bench.alert_workload import make_alerts, make_events


def percentile(sorted_ns: list[int], q: float) -> float:
    return sorted_ns[min(len(sorted_ns) - 1, int(q * len(sorted_ns)))] / 1000.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rings", type=int, default=1000)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--no-gc-freeze", dest="gc_freeze", action="store_false")
    args = ap.parse_args()
    load_before = os.getloadavg()[0]
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    t = time.perf_counter()
    alerts = make_alerts(args.rings)
    index = AlertIndex.build(alerts)
    print(f"{len(alerts)} ring alerts, {sum(len(a.members) for a in alerts)} members, "
          f"index built in {time.perf_counter() - t:.1f}s (incl. address keys)")
    scorer = Scorer(index)
    warm = make_events(alerts, 20_000, seed=7)
    events = make_events(alerts, args.events, seed=1)
    for raw in warm:
        encode_decision(scorer.decide(parse_event(raw)))
    if args.gc_freeze:
        gc.freeze()

    # Wall-clock latency is what a caller sees; CPU time (thread_time) excludes the time this
    # process was descheduled, which dominates the tail on a shared, overloaded machine.
    wall: list[int] = []
    cpu: list[int] = []
    verdicts: Counter[str] = Counter()
    clock, cpu_clock = time.perf_counter_ns, time.thread_time_ns
    start, cpu_start = clock(), cpu_clock()
    for raw in events:
        t0, c0 = clock(), cpu_clock()
        d = scorer.decide(parse_event(raw))
        encode_decision(d)
        cpu.append(cpu_clock() - c0)
        wall.append(clock() - t0)
        verdicts[d.decision] += 1
    wall_s, cpu_s = (clock() - start) / 1e9, (cpu_clock() - cpu_start) / 1e9
    print(f"events {len(events)}: {dict(verdicts)}")
    for name, lat in (("wall", sorted(wall)), ("cpu ", sorted(cpu))):
        print(f"latency us ({name}): p50 {percentile(lat, 0.50):.1f}  p90 {percentile(lat, 0.90):.1f}  "
              f"p99 {percentile(lat, 0.99):.1f}  p99.9 {percentile(lat, 0.999):.1f}  max {lat[-1] / 1000:.0f}")
    print(f"throughput: {len(events) / wall_s:,.0f} events/s wall, {len(events) / cpu_s:,.0f} events/s per "
          f"CPU-second, one core (load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after; "
          f"gc.freeze {'on' if args.gc_freeze else 'off'}, {gc.get_stats()[2]['collections']} full collections)")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
