"""End-to-end latency through Kafka: produce an event -> the scorer (the real `riskgraph score`
CLI, its own process) decides -> the decision is consumed back. Loopback only.

Starts a local single-node Kafka in a temporary directory (or uses --bootstrap), publishes a
synthetic alert set, warms the scorer up, then produces at a steady rate for a bounded time and
reports produce->decision latency percentiles (send time to receive time, one clock: the
system-wide monotonic clock, read in both processes).

Three processes besides Kafka: the scorer, the event producer, and this one (which reads the
decisions back). The producer paces itself by sleeping, never spinning, and lives in its own
process so that its Python never competes with the decision reader for one interpreter lock:
on a small machine a busy benchmark otherwise measures its own queueing, not the scorer's.

    PYTHONPATH=. python -m bench.kafka_e2e [--rate 5000] [--seconds 20]
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from multiprocessing.connection import Connection
from pathlib import Path

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition

from alerts import kafka_io
from bench import kafka_hops
from bench.alert_workload import make_alerts, make_events
from services import kafka_local
from testing.ports import free_port

ROOT = Path(__file__).resolve().parent.parent


def _event_id(value: bytes) -> str:
    # events and decisions both start with {"event_id":"...": no need to parse the whole line
    start = value.index(b'"', value.index(b":") + 1) + 1
    return value[start:value.index(b'"', start)].decode()


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a live process (0 if unknown)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def produce_steadily(bootstrap: str, topic: str, phases: list[list[bytes]], rate: float, linger_ms: int,
                     client: dict[str, str], conn: Connection, gc_log: str) -> None:
    """In its own process, one producer for every phase: on each "go" from `conn`, send that
    phase's events at `rate` per second (event i is due at t0 + i / rate; every millisecond, what
    is due is sent), wait for their acknowledgements, then send back (seconds taken, CPU seconds
    of the sending loop, {event_id: wall-clock send time in ns}). A send time is read just before
    the event is handed to the client, so a late tick counts against the measured latency, not
    for it. The producer lives across phases: a new idempotent producer first fetches metadata and
    a producer id, which held the first ~0.5 s of a measured phase back when each phase had its
    own (2-4% of the events at 0.3-0.9 s: the benchmark's p99 by itself)."""
    kafka_hops.log_gc_pauses("producer", gc_log)
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": linger_ms, "acks": "all",
                         "enable.idempotence": True, **client})
    # Set-up is done: keep the imported modules and the events out of the cycle collector's full
    # passes (without this a pass walked them for 150-230 ms in the middle of a run, and the
    # events due meanwhile then went out in one burst).
    gc.freeze()
    clock = time.perf_counter_ns
    period_ns = 1e9 / rate
    for events in phases:
        conn.recv()
        sent: dict[str, int] = {}
        cpu0 = time.process_time()
        t0 = clock()
        i = 0
        while i < len(events):
            due = min(len(events), int((clock() - t0) / period_ns) + 1)
            while i < due:
                eid = _event_id(events[i])
                sent[eid] = time.time_ns()  # wall clock: compared with the broker's timestamps
                producer.produce(topic, value=events[i], key=eid)
                i += 1
            producer.poll(0)
            time.sleep(0.001)
        producer.flush()
        conn.send(((clock() - t0) / 1e9, time.process_time() - cpu0, sent))


def _listener_pid(bootstrap: str) -> int | None:
    """The pid of the local process listening on `bootstrap`'s port (a broker we did not start), if any."""
    port = bootstrap.rsplit(":", 1)[-1]
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True).stdout
    pid = out.split("pid=", 1)[1].split(",", 1)[0] if "pid=" in out else ""
    return int(pid) if pid.isdigit() else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rate", type=int, default=5000, help="events per second")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--rings", type=int, default=1000)
    ap.add_argument("--warmup-seconds", type=float, default=5.0, help="at the same rate, not measured: the "
                    "scorer joins its group and the broker's JIT compiler settles")
    ap.add_argument("--linger-ms", type=int, default=5, help="the event producer's linger.ms (5: the default of "
                    "librdkafka and of Kafka's Java client since 4.0)")
    ap.add_argument("--client", action="append", default=[], metavar="KEY=VALUE",
                    help="a librdkafka setting for the benchmark's event producer and decision reader (repeatable)")
    ap.add_argument("--scorer-client", action="append", default=[], metavar="KEY=VALUE",
                    help="a librdkafka setting added to every client of the scorer (repeatable; to try settings)")
    ap.add_argument("--broker-gc-log", default=None, metavar="PATH", help="the broker's JVM log "
                    "(-Xlog:gc:file=PATH:time,uptime,tags): its pauses are matched with the stalls")
    ap.add_argument("--bootstrap", default=None, help="use this Kafka instead of starting one")
    ap.add_argument("--stall-ms", type=float, default=100.0, help="list the episodes of events slower than this")
    ap.add_argument("--profile-scorer", default=None, metavar="PATH", help="run the scorer under cProfile, "
                    "stats to PATH (read with python -m pstats); slows it down")
    args = ap.parse_args()

    client = dict(kv.split("=", 1) for kv in args.client)
    scorer_client = dict(kv.split("=", 1) for kv in args.scorer_client)
    tmp = Path(tempfile.mkdtemp(prefix="riskgraph-bench-kafka-"))
    cfg = None
    bootstrap = args.bootstrap
    if bootstrap is None:
        cfg = kafka_local.LocalKafkaConfig(home=tmp / "kafka", port=free_port(), controller_port=free_port())
        kafka_local.start(cfg)
        bootstrap = cfg.bootstrap
    tag = uuid.uuid4().hex[:6]
    alerts_t, events_t, decisions_t = f"bench-alerts-{tag}", f"bench-events-{tag}", f"bench-decisions-{tag}"
    scorer: subprocess.Popen[bytes] | None = None
    try:
        # The broker stamps each event with its append time: the hop between producer and scorer.
        kafka_io.ensure_topics(bootstrap, [events_t], config={"message.timestamp.type": "LogAppendTime"})
        kafka_io.ensure_topics(bootstrap, [alerts_t, events_t, decisions_t, f"{events_t}.dlq"])
        alerts = make_alerts(args.rings)
        kafka_io.publish_alerts(bootstrap, alerts_t, alerts)
        n = int(args.rate * args.seconds)
        warm, events = make_events(alerts, int(args.rate * args.warmup_seconds), seed=7), make_events(alerts, n, seed=1)

        received: dict[str, tuple[int, int]] = {}  # event id: (receive time ns, decision CreateTime ms)
        done = threading.Event()
        gc_log = str(tmp / "gc.log")

        def consume() -> None:
            kafka_hops.log_gc_pauses("reader", gc_log)
            c = Consumer({"bootstrap.servers": bootstrap, "group.id": f"bench-{tag}", "enable.auto.commit": False,
                          "fetch.min.bytes": 16384, "fetch.wait.max.ms": 5,  # as the scorer's consumer
                          **client})
            meta = c.list_topics(decisions_t, timeout=30).topics[decisions_t]
            c.assign([TopicPartition(decisions_t, p, OFFSET_BEGINNING) for p in meta.partitions])
            while not done.is_set():
                first = c.poll(0.05)  # block for one, then take what is already here (no batch wait)
                if first is None:
                    continue
                now = time.time_ns()
                for m in (first, *c.consume(1000, timeout=0)):
                    if m.error() is None:
                        received.setdefault(_event_id(m.value() or b""), (now, m.timestamp()[1]))
            c.close()

        gc.freeze()  # the alerts and events made above stay out of the cycle collector's full passes
        machine: list[kafka_hops.CpuSample] = []
        sampler = threading.Thread(target=kafka_hops.sample_machine, args=(done, machine), daemon=True)
        sampler.start()
        reader = threading.Thread(target=consume)
        reader.start()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "RISKGRAPH_VAR_DIR": str(tmp / "var")}
        score_args = ["score", "--alerts", f"kafka:{alerts_t}", "--events", f"kafka:{events_t}",
                      "--decisions", f"kafka:{decisions_t}", "--bootstrap", bootstrap,
                      "--group", f"bench-scorer-{tag}", "--batch-size", "500"]
        if args.profile_scorer:
            cmd = ["-m", "cProfile", "-o", args.profile_scorer, "-m", "riskgraph", *score_args]
        else:  # the real CLI, with its cycle-collector passes logged
            cmd = ["-c", f"import runpy, sys; from bench import kafka_hops; kafka_hops.log_gc_pauses('scorer', {gc_log!r}); "
                   f"kafka_hops.override_clients({scorer_client!r}); "
                   f"sys.argv = ['riskgraph', *{score_args!r}]; runpy.run_module('riskgraph', run_name='__main__')"]
        scorer = subprocess.Popen([sys.executable, *cmd], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                  stderr=open(tmp / "scorer.log", "wb"))
        ctx = multiprocessing.get_context("spawn")  # no fork of a process that runs librdkafka threads

        here, there = ctx.Pipe()
        producer = ctx.Process(target=produce_steadily,
                               args=(bootstrap, events_t, [warm, events], args.rate, args.linger_ms, client, there, gc_log))
        producer.start()
        there.close()  # so that recv() fails instead of waiting forever if the producer dies

        def produce() -> tuple[float, float, dict[str, int]]:
            here.send("go")
            result: tuple[float, float, dict[str, int]] = here.recv()
            return result

        # The scorer joins its group and loads the alerts, and every client connects, before the clock starts.
        produce()
        deadline = time.monotonic() + 180
        while len(received) < len(warm):
            if time.monotonic() > deadline or scorer.poll() is not None:
                raise SystemExit(f"scorer did not warm up; see {tmp / 'scorer.log'}")
            time.sleep(0.1)

        load_before = os.getloadavg()[0]
        pids = {"scorer": scorer.pid, "kafka": kafka_local.status(cfg).pid if cfg else _listener_pid(bootstrap),
                "bench": os.getpid()}
        cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        produce_s, producer_cpu, sent = produce()
        producer.join()
        ids = list(sent)
        deadline = time.monotonic() + 60
        while sum(1 for e in ids if e in received) < len(ids) and time.monotonic() < deadline:
            time.sleep(0.1)
        cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
        cpu["producer"] = producer_cpu
        done.set()
        reader.join()

        lat = sorted((received[e][0] - sent[e]) / 1e6 for e in ids if e in received)
        missing = len(ids) - len(lat)
        if not lat:
            raise SystemExit(f"no decisions came back; see {tmp / 'scorer.log'}")

        def q(p: float) -> float:
            return lat[min(len(lat) - 1, int(p * len(lat)))]

        print(f"{len(ids)} events produced at {len(ids) / produce_s:,.0f}/s (target {args.rate}/s) over {produce_s:.1f}s; "
              f"{len(lat)} decisions back, {missing} missing")
        print(f"produce->decision ms: p50 {q(0.5):.2f}  p90 {q(0.9):.2f}  p99 {q(0.99):.2f}  "
              f"p99.9 {q(0.999):.2f}  max {lat[-1]:.1f}")
        print("CPU seconds while producing (incl. catching up): " +
              ", ".join(f"{name} {sec:.1f}" for name, sec in cpu.items()) + " (bench: the decision reader)")
        print(f"bench process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB, "
              f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
        appended = {_event_id(m.value() or b""): m.timestamp()[1] for m in kafka_io.read_topic(bootstrap, events_t)}
        traces = [kafka_hops.Trace(sent[e], appended[e], received[e][1], received[e][0])
                  for e in ids if e in received and e in appended]
        print("per hop, ms (produce: client -> broker append; scorer: append -> decision produced; "
              "decision: -> reader):")
        print("\n".join(kafka_hops.hop_table(traces)))
        found = kafka_hops.stalls(traces, args.stall_ms)
        print(f"episodes of events slower than {args.stall_ms:.0f} ms: {len(found)} "
              f"(t = 0 at wall-clock {min(sent.values()) / 1e9:.3f})")
        jvm = kafka_hops.jvm_pauses(Path(args.broker_gc_log).read_text()) if args.broker_gc_log else []
        print("\n".join(kafka_hops.stall_lines(found, jvm, machine)))
        t0, t1 = min(sent.values()), max(r for r, _ in received.values())  # ns, wall clock
        t0s, t1s = t0 / 1e9, t1 / 1e9
        if jvm:
            during = [ms for at, ms in jvm if t0s <= at <= t1s]
            print(f"broker JVM pauses while measuring: {len(during)}, {sum(during):.0f} ms in all, "
                  f"worst {max(during, default=0):.0f} ms")
        if machine:
            idle = sorted(c.idle_pct for c in machine if t0s <= c.t <= t1s)
            print(f"machine idle while measuring (50 ms samples): median {kafka_hops.quantile(idle, .5):.0f}%, "
                  f"{sum(1 for i in idle if i < 5) / len(idle):.0%} of samples under 5%")
        print("cycle-collector passes while measuring:")
        print("\n".join(kafka_hops.gc_summary(Path(gc_log).read_text() if Path(gc_log).exists() else "", t0, t1)))
    finally:
        if scorer is not None and scorer.poll() is None:
            scorer.send_signal(signal.SIGTERM)
            scorer.wait(60)
        if cfg is not None:
            kafka_local.stop(cfg)


if __name__ == "__main__":
    main()
