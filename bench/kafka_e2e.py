"""End-to-end latency through Kafka: produce an event -> the scorer (the real `riskgraph score`
CLI, its own process) decides -> the decision is consumed back. Loopback only.

Starts a local single-node Kafka in a temporary directory (or uses --bootstrap), publishes a
synthetic alert set, warms the scorer up, then produces at a steady rate for a bounded time and
reports produce->decision latency percentiles (send time to receive time, one clock).

    PYTHONPATH=. python -m bench.kafka_e2e [--rate 5000] [--seconds 20]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition

from bench.alert_workload import make_alerts, make_events
from riskgraph.alerts import kafka_io, kafka_local
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent


def _event_id(value: bytes) -> str:
    # decisions start with {"event_id":"...": no need to parse the whole line on the hot path
    return value[13:value.index(b'"', 13)].decode()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rate", type=int, default=5000, help="events per second")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--rings", type=int, default=1000)
    ap.add_argument("--bootstrap", default=None, help="use this Kafka instead of starting one")
    args = ap.parse_args()

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
        kafka_io.ensure_topics(bootstrap, [alerts_t, events_t, decisions_t, f"{events_t}.dlq"])
        alerts = make_alerts(args.rings)
        kafka_io.publish_alerts(bootstrap, alerts_t, alerts)
        n = int(args.rate * args.seconds)
        warm, events = make_events(alerts, 2000, seed=7), make_events(alerts, n, seed=1)

        sent: dict[str, int] = {}
        received: dict[str, int] = {}
        done = threading.Event()

        def consume() -> None:
            c = Consumer({"bootstrap.servers": bootstrap, "group.id": f"bench-{tag}", "enable.auto.commit": False,
                          "fetch.wait.max.ms": 1})
            meta = c.list_topics(decisions_t, timeout=30).topics[decisions_t]
            c.assign([TopicPartition(decisions_t, p, OFFSET_BEGINNING) for p in meta.partitions])
            while not done.is_set():
                first = c.poll(0.05)  # block for one, then take what is already here (no batch wait)
                if first is None:
                    continue
                now = time.perf_counter_ns()
                for m in (first, *c.consume(1000, timeout=0)):
                    if m.error() is None:
                        received.setdefault(_event_id(m.value() or b""), now)
            c.close()

        reader = threading.Thread(target=consume)
        reader.start()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "RISKGRAPH_VAR_DIR": str(tmp / "var")}
        scorer = subprocess.Popen([sys.executable, "-m", "riskgraph", "score", "--alerts", f"kafka:{alerts_t}",
                                   "--events", f"kafka:{events_t}", "--decisions", f"kafka:{decisions_t}",
                                   "--bootstrap", bootstrap, "--group", f"bench-scorer-{tag}", "--batch-size", "500"],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(tmp / "scorer.log", "wb"))
        producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 1, "acks": "all", "enable.idempotence": True})

        def send(raw: bytes) -> None:
            eid = json.loads(raw)["event_id"]
            producer.produce(events_t, value=raw, key=eid.encode())
            sent[eid] = time.perf_counter_ns()
            producer.poll(0)

        for raw in warm:  # the scorer joins its group and loads the alerts before the clock starts
            send(raw)
        producer.flush()
        deadline = time.monotonic() + 180
        while len(received) < len(warm):
            if time.monotonic() > deadline or scorer.poll() is not None:
                raise SystemExit(f"scorer did not warm up; see {tmp / 'scorer.log'}")
            time.sleep(0.1)

        period_ns = 1_000_000_000 // args.rate
        t0 = time.perf_counter_ns()
        for i, raw in enumerate(events):  # steady rate: event i is due at t0 + i * period
            due = t0 + i * period_ns
            while (now := time.perf_counter_ns()) < due:
                if due - now > 200_000:
                    time.sleep((due - now - 100_000) / 1e9)
            send(raw)
        producer.flush()
        produce_s = (time.perf_counter_ns() - t0) / 1e9
        ids = [json.loads(raw)["event_id"] for raw in events]
        deadline = time.monotonic() + 60
        while sum(1 for e in ids if e in received) < len(ids) and time.monotonic() < deadline:
            time.sleep(0.1)
        done.set()
        reader.join()

        lat = sorted((received[e] - sent[e]) / 1e6 for e in ids if e in received)
        missing = len(ids) - len(lat)
        if not lat:
            raise SystemExit(f"no decisions came back; see {tmp / 'scorer.log'}")

        def q(p: float) -> float:
            return lat[min(len(lat) - 1, int(p * len(lat)))]

        print(f"{len(ids)} events produced at {len(ids) / produce_s:,.0f}/s (target {args.rate}/s) over {produce_s:.1f}s; "
              f"{len(lat)} decisions back, {missing} missing")
        print(f"produce->decision ms: p50 {q(0.5):.2f}  p90 {q(0.9):.2f}  p99 {q(0.99):.2f}  "
              f"p99.9 {q(0.999):.2f}  max {lat[-1]:.1f}")
        print(f"bench process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB, "
              f"load average {os.getloadavg()[0]:.1f}")
    finally:
        if scorer is not None and scorer.poll() is None:
            scorer.send_signal(signal.SIGTERM)
            scorer.wait(60)
        if cfg is not None:
            kafka_local.stop(cfg)


if __name__ == "__main__":
    main()
