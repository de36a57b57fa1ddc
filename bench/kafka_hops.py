"""Where the time of one event goes on its way through Kafka, and when the slow ones happen.

Four timestamps per event, all wall-clock (the broker stamps milliseconds since the epoch):
  sent       the producer process hands the event to its client (ns)
  appended   the broker appended it to the events topic (LogAppendTime, ms)
  decided    the scorer handed the decision to its producer (the decision's CreateTime, ms)
  received   the decision reader got it back (ns)
so: produce hop = appended - sent, scorer hop = decided - appended (fetch by the scorer's
consumer + scoring), decision hop = received - decided (the scorer's producer, the broker, the
reader's fetch). Millisecond stamps make each hop exact to about 1 ms: enough to place stalls of
tens or hundreds of milliseconds.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Trace:
    sent_ns: int
    appended_ms: int
    decided_ms: int
    received_ns: int

    @property
    def total_ms(self) -> float:
        return (self.received_ns - self.sent_ns) / 1e6

    def hops_ms(self) -> tuple[float, float, float]:
        return (self.appended_ms - self.sent_ns / 1e6, float(self.decided_ms - self.appended_ms),
                self.received_ns / 1e6 - self.decided_ms)


HOPS = ("produce", "scorer", "decision")


def quantile(sorted_values: Sequence[float], p: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(p * len(sorted_values)))]


def hop_table(traces: Sequence[Trace]) -> list[str]:
    """One line per hop: p50 / p90 / p99 / p99.9 / max in ms."""
    lines = []
    columns = list(zip(*(t.hops_ms() for t in traces), strict=True))
    for name, values in zip(HOPS, columns, strict=True):
        v = sorted(values)
        lines.append(f"  {name:<9} p50 {quantile(v, .5):7.1f}  p90 {quantile(v, .9):7.1f}  p99 {quantile(v, .99):7.1f}"
                     f"  p99.9 {quantile(v, .999):7.1f}  max {v[-1]:7.1f}")
    return lines


@dataclass(frozen=True)
class Stall:
    start_s: float  # send time of its first slow event, seconds after the first event
    end_s: float
    events: int
    worst_ms: float
    hop_ms: tuple[float, float, float]  # the worst event's hops
    window_ns: tuple[int, int]  # from the first slow event's send to the last one's receipt


def stalls(traces: Sequence[Trace], threshold_ms: float, gap_s: float = 0.05) -> list[Stall]:
    """Episodes of events slower than `threshold_ms`, in send order; slow events less than `gap_s`
    apart belong to one episode."""
    ordered = sorted(traces, key=lambda t: t.sent_ns)
    if not ordered:
        return []
    t0 = ordered[0].sent_ns
    out: list[Stall] = []
    group: list[Trace] = []

    def close() -> None:
        worst = max(group, key=lambda t: t.total_ms)
        out.append(Stall((group[0].sent_ns - t0) / 1e9, (group[-1].sent_ns - t0) / 1e9, len(group),
                         worst.total_ms, worst.hops_ms(), (group[0].sent_ns, max(t.received_ns for t in group))))

    for t in ordered:
        if t.total_ms <= threshold_ms:
            continue
        if group and (t.sent_ns - group[-1].sent_ns) / 1e9 > gap_s:
            close()
            group = []
        group.append(t)
    if group:
        close()
    return out


def stall_lines(found: Sequence[Stall], jvm: Sequence[tuple[float, float]] = (),
                machine: Sequence[CpuSample] = (), limit: int = 40) -> list[str]:
    """One line per episode, with what else happened in its window: the broker's JVM pauses
    (`jvm`: (start wall s, ms)) and the machine's busiest moment (`machine`)."""
    lines = []
    for s in found[:limit]:
        lo, hi = s.window_ns[0] / 1e9, s.window_ns[1] / 1e9
        line = (f"  t={s.start_s:7.3f}-{s.end_s:7.3f}s  {s.events:5d} events  worst {s.worst_ms:6.0f} ms"
                f"  (produce {s.hop_ms[0]:.0f} / scorer {s.hop_ms[1]:.0f} / decision {s.hop_ms[2]:.0f})")
        pauses = [ms for at, ms in jvm if lo <= at + ms / 1e3 and at <= hi]
        if pauses:
            line += f"; broker GC {len(pauses)} pause(s) {sum(pauses):.0f} ms"
        inside = [c for c in machine if lo <= c.t <= hi]
        if inside:
            line += (f"; machine idle down to {min(c.idle_pct for c in inside):.0f}%, "
                     f"up to {max(c.runnable for c in inside)} runnable")
        lines.append(line)
    if len(found) > limit:
        lines.append(f"  ... {len(found) - limit} more")
    if len(found) > 1:
        gaps = sorted(b.start_s - a.start_s for a, b in zip(found, found[1:], strict=False))
        lines.append(f"  intervals between stall starts: median {quantile(gaps, .5):.3f} s, "
                     f"min {gaps[0]:.3f}, max {gaps[-1]:.3f}")
    return lines


JVM_PAUSE = re.compile(r"^\[([^\]]+)\]\[[^\]]*\]\[gc\s*\] GC\(\d+\) Pause .* ([\d.]+)ms$")


def jvm_pauses(gc_log_text: str) -> list[tuple[float, float]]:
    """(start as wall-clock seconds, ms) of every stop-the-world pause in a JVM log written with
    -Xlog:gc:file=PATH:time,uptime,tags (the line at its end, stamped when the pause ended)."""
    out = []
    for line in gc_log_text.splitlines():
        if m := JVM_PAUSE.match(line):
            end = datetime.fromisoformat(m[1].replace("+0000", "+00:00")).timestamp()
            out.append((end - float(m[2]) / 1e3, float(m[2])))
    return out


@dataclass(frozen=True)
class CpuSample:
    t: float  # wall-clock seconds
    idle_pct: float  # of all CPUs, since the previous sample
    runnable: int  # tasks running or waiting for a CPU


def sample_machine(stop: threading.Event, out: list[CpuSample], every_s: float = 0.05) -> None:
    """Until `stop`: the machine's idle share and runnable tasks every `every_s` (/proc, Linux)."""
    prev = None
    while not stop.wait(every_s):
        ticks = [int(x) for x in open("/proc/stat").readline().split()[1:9]]
        runnable = int(open("/proc/loadavg").read().split()[3].split("/")[0])
        if prev is not None:
            d = [a - b for a, b in zip(ticks, prev, strict=True)]
            out.append(CpuSample(time.time(), 100.0 * (d[3] + d[4]) / max(1, sum(d)), runnable))
        prev = ticks


GC_LINE = re.compile(r"^GC (\w+) gen(\d) (\d+) ([\d.]+) ms$")


def gc_pauses(log_text: str, min_ms: float = 1.0) -> list[tuple[str, int, int, float]]:
    """(process, generation, wall time ns, pause ms) from lines written by log_gc_pauses."""
    out = []
    for line in log_text.splitlines():
        if (m := GC_LINE.match(line)) and float(m[4]) >= min_ms:
            out.append((m[1], int(m[2]), int(m[3]), float(m[4])))
    return out


def log_gc_pauses(name: str, path: str) -> None:
    """Append a line per cycle-collector pass of this process that took >= 0.5 ms to `path`:
    its generation, wall time at its start and its duration (read back with gc_pauses)."""
    import gc
    import time

    out = open(path, "a", buffering=1)  # noqa: SIM115 (lives as long as the process)
    start = [0, 0]

    def cb(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            start[0], start[1] = time.perf_counter_ns(), time.time_ns()
            return
        ms = (time.perf_counter_ns() - start[0]) / 1e6
        if ms >= 0.5:
            out.write(f"GC {name} gen{info['generation']} {start[1]} {ms:.2f} ms\n")

    gc.callbacks.append(cb)


def gc_summary(log_text: str, t0_ns: int, t1_ns: int) -> list[str]:
    """Per process: passes >= 1 ms between t0 and t1, their count, total and worst pause."""
    by: dict[str, list[float]] = {}
    for name, _gen, at, ms in gc_pauses(log_text):
        if t0_ns <= at <= t1_ns:
            by.setdefault(name, []).append(ms)
    if not by:
        return ["  no cycle-collector pass of 1 ms or more in any benchmark process"]
    return [f"  {name}: {len(v)} passes >= 1 ms, {sum(v):.0f} ms in all, worst {max(v):.1f} ms"
            for name, v in sorted(by.items())]


def override_clients(settings: dict[str, str]) -> None:
    """In the scorer's process, before it starts: add `settings` to the configuration of every
    Kafka client that alerts.kafka_io creates (to try client settings without editing it)."""
    if not settings:
        return
    import confluent_kafka

    from alerts import kafka_io

    def producer(conf: dict[str, object]) -> confluent_kafka.Producer:
        return confluent_kafka.Producer({**conf, **settings})

    def consumer(conf: dict[str, object]) -> confluent_kafka.Consumer:
        return confluent_kafka.Consumer({**conf, **settings})

    kafka_io.Producer = producer  # type: ignore[misc,assignment]
    kafka_io.Consumer = consumer  # type: ignore[misc,assignment]
