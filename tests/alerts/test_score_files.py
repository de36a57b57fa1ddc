"""The scorer on files and stdio: decisions out, dead letters with reasons, alerts reloaded live."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from alerts import stream
from alerts.export import write_alerts
from alerts.scorer import AlertIndex, Scorer
from tests.alerts.alert_cases import coupon_alert, event

ROOT = Path(__file__).resolve().parents[2]


def test_cli_scores_a_file_and_dead_letters_malformed_lines(tmp_path: Path) -> None:
    alerts = tmp_path / "alerts.jsonl"
    write_alerts([coupon_alert()], "jsonl", alerts)
    events = tmp_path / "events.jsonl"
    events.write_bytes(b"\n".join([event("e1", "U1"), b'{"event_id": "e2"}', event("e3", "NOBODY"),
                                   b"garbage"]) + b"\n")
    out, dead = tmp_path / "decisions.jsonl", tmp_path / "dead.jsonl"
    proc = subprocess.run([sys.executable, "-m", "riskgraph", "score", "--alerts", str(alerts), "--events", str(events),
                           "--decisions", str(out), "--dead-letter", str(dead)],
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    decisions = {d["event_id"]: d for d in map(json.loads, out.read_text().splitlines())}
    assert set(decisions) == {"e1", "e3"}
    assert decisions["e1"]["decision"] in ("review", "block")
    assert decisions["e1"]["ring_id"] == coupon_alert().ring_id
    assert decisions["e3"]["decision"] == "allow"
    letters = [json.loads(x) for x in dead.read_text().splitlines()]
    assert [d["origin"].rsplit(":", 1)[1] for d in letters] == ["2", "4"]
    assert "'type'" in letters[0]["reason"] and "not valid JSON" in letters[1]["reason"]
    assert letters[1]["raw"] == "garbage"


class _Scripted:
    """An event source that runs a callback between batches (to change the alerts mid-stream)."""

    def __init__(self, batches: Sequence[Sequence[bytes]], between: Sequence[Callable[[], None]]) -> None:
        self._batches = batches
        self._between = between

    def batches(self) -> Iterator[Sequence[stream.RawEvent]]:
        for i, batch in enumerate(self._batches):
            if i:
                self._between[i - 1]()
            yield [stream.RawEvent(raw, f"scripted:{i}") for raw in batch]

    def commit(self, batch: Sequence[stream.RawEvent]) -> None:
        pass

    def close(self) -> None:
        pass


class _Memory:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, key: str, value: bytes) -> None:
        self.lines.append(value.decode())

    def checkpoint(self) -> stream.Durable:
        return stream.DONE

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_new_alerts_are_picked_up_without_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    write_alerts([coupon_alert(build_id="2026-11-26")], "jsonl", path)
    tomorrow = coupon_alert(build_id="2026-11-27", members=("N1", "N2"))
    source = _Scripted([[event("a", "N1")], [event("b", "N1")]],
                       [lambda: write_alerts([tomorrow], "jsonl", path)])
    out = _Memory()
    stats = stream.run(Scorer(), stream.FileAlertFeed(path, check_every_s=0.0), source, out, _Memory())
    first, second = (json.loads(x) for x in out.lines)
    assert first["decision"] == "allow" and first["build_id"] == "2026-11-26"
    assert second["decision"] in ("review", "block") and second["ring_id"] == tomorrow.ring_id
    assert stats.alert_reloads == 2


def test_a_broken_new_alert_file_keeps_the_previous_alerts(tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    write_alerts([coupon_alert()], "jsonl", path)

    def damage() -> None:
        path.write_text('{"schema": "riskgraph.ring_alert"}\n')

    source = _Scripted([[event("a", "U1")], [event("b", "U1")]], [damage])
    out = _Memory()
    stream.run(Scorer(), stream.FileAlertFeed(path, check_every_s=0.0), source, out, _Memory())
    assert [json.loads(x)["decision"] for x in out.lines] == ["block", "block"]


class _Later:
    """A checkpoint that becomes durable only when the test says so (a Kafka sink awaiting acks)."""

    def __init__(self) -> None:
        self.acked = False

    def done(self) -> bool:
        return self.acked


class _AckLater(_Memory):
    def __init__(self) -> None:
        super().__init__()
        self.checkpoints: list[_Later] = []

    def checkpoint(self) -> stream.Durable:
        self.checkpoints.append(_Later())
        return self.checkpoints[-1]

    def flush(self) -> None:
        for c in self.checkpoints:
            c.acked = True


def test_a_batch_is_committed_only_once_its_decisions_are_durable_and_in_order() -> None:
    out = _AckLater()
    committed: list[list[str]] = []

    class Source(_Scripted):
        def commit(self, batch: Sequence[stream.RawEvent]) -> None:
            committed.append([r.origin for r in batch])  # one event per batch here
            assert all(c.acked for c in out.checkpoints[:sum(map(len, committed))]), "committed before durable"

    def ack(i: int) -> Callable[[], None]:
        def _ack() -> None:
            out.checkpoints[i].acked = True
        return _ack

    # acknowledgements come out of order (partitions): the second batch's first
    source = Source([[event("a", "X")], [event("b", "X")], [], [event("c", "X")]],
                    [lambda: None, ack(1), ack(0)])
    stats = stream.run(Scorer(AlertIndex.build([coupon_alert()])), _NoAlerts(), source, out, _Memory())
    assert stats.events == 3 and len(out.lines) == 3
    # nothing while the first batch was unacknowledged, then the first two; the last at the end (flush)
    assert committed == [["scripted:0", "scripted:1"], ["scripted:3"]]


class _NoAlerts:
    def poll(self) -> AlertIndex | None:
        return None

    def close(self) -> None:
        pass
