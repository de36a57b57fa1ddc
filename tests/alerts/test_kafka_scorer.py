"""The ring-alert topic and the streaming scorer on a real local Kafka (KRaft, 127.0.0.1)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from alerts import kafka_io, stream
from alerts.events import dumps_decision, parse_event
from alerts.scorer import AlertIndex, Scorer
from tests.alerts.alert_cases import coupon_alert, event

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _topics(*names: str) -> list[str]:
    tag = uuid.uuid4().hex[:8]
    return [f"{n}-{tag}" for n in names]


def _produce(bootstrap: str, topic: str, values: list[bytes]) -> None:
    sink = kafka_io.KafkaSink(bootstrap, topic, linger_ms=2)
    for i, v in enumerate(values):
        sink.write(str(i), v)
    sink.flush()


def test_alerts_published_are_consumed_and_updates_picked_up(kafka_bootstrap: str) -> None:
    (topic,) = _topics("ring-alerts")
    kafka_io.ensure_topics(kafka_bootstrap, [topic])
    today = [coupon_alert(), coupon_alert(members=("V1", "V2"), score=0.7)]
    assert kafka_io.publish_alerts(kafka_bootstrap, topic, today) == 2
    assert sorted((m.key() or b"").decode() for m in kafka_io.read_topic(kafka_bootstrap, topic)) == \
        sorted(a.ring_id for a in today)

    feed = kafka_io.KafkaAlertFeed(kafka_bootstrap, topic)
    try:
        first = feed.poll()
        assert first is not None and first.size == 2 and "V1" in first.members
        assert feed.poll() is None  # nothing new
        tomorrow = coupon_alert(build_id="2026-11-27", members=("N1", "N2"))
        kafka_io.publish_alerts(kafka_bootstrap, topic, [tomorrow])
        deadline, index = time.monotonic() + 30, None
        while index is None and time.monotonic() < deadline:
            index = feed.poll()
            time.sleep(0.05)
        assert index is not None and index.build_id == "2026-11-27"
        assert set(index.members) == {"N1", "N2"}  # the older build's rings are gone
    finally:
        feed.close()


def test_malformed_events_are_dead_lettered_while_good_ones_flow(kafka_bootstrap: str) -> None:
    events, decisions, dlq = _topics("events", "decisions", "events-dlq")
    kafka_io.ensure_topics(kafka_bootstrap, [events, decisions, dlq])
    good = [event(f"g{i}", "U1" if i % 2 else f"S{i}") for i in range(40)]
    bad = [b"{oops", b'{"event_id": "b1", "type": "teleport", "ts": "t", "account_id": "A"}', b"\xff"]
    _produce(kafka_bootstrap, events, good[:20] + bad + good[20:])

    group = f"scorer-{uuid.uuid4().hex[:6]}"
    source = kafka_io.KafkaEventSource(kafka_bootstrap, events, group, batch_size=16, idle_exit_s=3.0)
    out, dead = kafka_io.KafkaSink(kafka_bootstrap, decisions), kafka_io.KafkaSink(kafka_bootstrap, dlq)
    try:
        stats = stream.run(Scorer(AlertIndex.build([coupon_alert()])), _NoNewAlerts(), source, out, dead)
    finally:
        source.close()
    assert (stats.events, stats.dead) == (43, 3)

    got = {json.loads(m.value())["event_id"]: json.loads(m.value()) for m in kafka_io.read_topic(kafka_bootstrap, decisions)}
    assert set(got) == {f"g{i}" for i in range(40)}
    assert got["g1"]["decision"] in ("review", "block") and got["g0"]["decision"] == "allow"
    letters = [json.loads(m.value()) for m in kafka_io.read_topic(kafka_bootstrap, dlq)]
    reasons = sorted(d["reason"].split(":")[0] for d in letters)
    assert len(letters) == 3 and reasons[0] == "not valid JSON" and "teleport" in " ".join(reasons)
    assert all(d["origin"].startswith(events) for d in letters)
    assert sum(kafka_io.consumer_lag(kafka_bootstrap, events, group).values()) == 0  # offsets committed


class _NoNewAlerts:
    def poll(self) -> AlertIndex | None:
        return None

    def close(self) -> None:
        pass


def _scorer_process(bootstrap: str, alerts: str, events: str, decisions: str, group: str, tmp: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RISKGRAPH_VAR_DIR": str(tmp / "var")}
    return subprocess.Popen([sys.executable, "-m", "riskgraph", "score", "--alerts", f"kafka:{alerts}",
                             "--events", f"kafka:{events}", "--decisions", f"kafka:{decisions}",
                             "--bootstrap", bootstrap, "--group", group, "--batch-size", "50"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(tmp / "scorer.log", "ab"))


def _count(bootstrap: str, topic: str) -> int:
    return len(kafka_io.read_topic(bootstrap, topic))


def test_a_scorer_killed_mid_stream_loses_nothing_and_counts_nothing_twice(kafka_bootstrap: str,
                                                                           tmp_path: Path) -> None:
    alerts, events, decisions = _topics("ring-alerts", "events", "decisions")
    kafka_io.ensure_topics(kafka_bootstrap, [alerts, events, decisions, f"{events}.dlq"])
    alert = coupon_alert()
    kafka_io.publish_alerts(kafka_bootstrap, alerts, [alert])
    n = 4000
    raws = [event(f"e{i}", ("U1", "U2", "U3")[i % 3] if i % 4 == 0 else f"S{i}", device_id=f"D{i % 50}")
            for i in range(n)]
    clean_scorer = Scorer(AlertIndex.build([alert]))
    clean = {f"e{i}": dumps_decision(clean_scorer.decide(parse_event(r))) for i, r in enumerate(raws)}

    # Events keep arriving (about 500/s) while the scorer is killed and restarted.
    def produce() -> None:
        for start in range(0, n, 100):
            _produce(kafka_bootstrap, events, raws[start:start + 100])
            time.sleep(0.2)

    producer = threading.Thread(target=produce)
    group = f"scorer-{uuid.uuid4().hex[:6]}"
    first = _scorer_process(kafka_bootstrap, alerts, events, decisions, group, tmp_path)
    try:
        producer.start()
        deadline = time.monotonic() + 180
        while _count(kafka_bootstrap, decisions) < 300:
            assert first.poll() is None, (tmp_path / "scorer.log").read_text()
            assert time.monotonic() < deadline, "the first scorer produced no decisions"
            time.sleep(0.2)
        first.send_signal(signal.SIGKILL)
        first.wait(30)
        assert producer.is_alive(), "the stream ended before the kill: it was not mid-stream"
    finally:
        if first.poll() is None:
            first.kill()
    second = _scorer_process(kafka_bootstrap, alerts, events, decisions, group, tmp_path)
    try:
        producer.join()
        deadline = time.monotonic() + 240
        while sum(kafka_io.consumer_lag(kafka_bootstrap, events, group).values()) > 0:
            assert second.poll() is None, (tmp_path / "scorer.log").read_text()
            assert time.monotonic() < deadline, "the restarted scorer did not catch up"
            time.sleep(0.5)
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(60) == 0, (tmp_path / "scorer.log").read_text()

    values = [(m.value() or b"").decode() for m in kafka_io.read_topic(kafka_bootstrap, decisions)]
    by_event: dict[str, set[str]] = {}
    for v in values:
        by_event.setdefault(json.loads(v)["event_id"], set()).add(v)
    assert set(by_event) == set(clean)  # nothing lost
    assert all(by_event[e] == {clean[e]} for e in clean)  # replays are identical: nothing counted twice
    assert len(values) >= n
