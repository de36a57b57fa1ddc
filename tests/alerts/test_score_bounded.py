"""The scorer's reads are bounded: an oversized event is rejected while it is read, never held whole,
and its dead letter keeps a bounded prefix with the event's size."""

from __future__ import annotations

import io
import json
import tracemalloc
from pathlib import Path

from alerts import stream
from alerts.events import DEAD_LETTER_RAW_BYTES, MAX_EVENT_BYTES, dead_letter
from alerts.scorer import AlertSet, Scorer
from tests.alerts.alert_cases import event

HUGE = 20 << 20  # 20 MiB on one line (the probe used 200 MB; the bound does not depend on the size)


class _Memory:
    def __init__(self) -> None:
        self.lines: list[bytes] = []

    def write(self, key: str, value: bytes) -> None:
        self.lines.append(value)

    def checkpoint(self) -> stream.Durable:
        return stream.DONE

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


class _Feed:
    def __init__(self) -> None:
        self._sent = False

    def poll(self) -> object:
        if self._sent:
            return None
        self._sent = True
        return AlertSet().index()

    def close(self) -> None:
        pass


def test_an_oversized_line_is_dead_lettered_without_being_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    with path.open("wb") as fh:
        fh.write(event("e1", "U1") + b"\n")
        fh.write(b'{"event_id": "big", "pad": "' + b"x" * HUGE + b'"}\n')
        fh.write(event("e3", "U3") + b"\n")
    out, dead = _Memory(), _Memory()
    tracemalloc.start()
    with path.open("rb") as fh:
        stats = stream.run(Scorer(), _Feed(), stream.LineSource(fh, "events.jsonl", 100), out, dead)  # type: ignore[arg-type]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 4 * MAX_EVENT_BYTES + (2 << 20), f"peak {peak} bytes: the big line was held whole"
    assert (stats.events, stats.dead, len(out.lines)) == (3, 1, 2)
    letter = json.loads(dead.lines[0])
    assert letter["origin"] == "events.jsonl:2" and letter["size"] == HUGE + 30 and letter["truncated"]
    assert f"event is {HUGE + 30} bytes" in letter["reason"]
    assert len(letter["raw"].encode()) <= DEAD_LETTER_RAW_BYTES


def test_a_dead_letter_keeps_a_bounded_prefix_and_the_size() -> None:
    small = json.loads(dead_letter(b"garbage", "not valid JSON", "f:1"))
    assert (small["raw"], small["size"], small["truncated"]) == ("garbage", 7, False)
    big = json.loads(dead_letter("é" * MAX_EVENT_BYTES, "too big", "f:2"))
    assert big["size"] == 2 * MAX_EVENT_BYTES and big["truncated"]
    assert len(big["raw"].encode()) <= DEAD_LETTER_RAW_BYTES and set(big["raw"]) == {"é"}


def test_lines_at_the_limit_still_pass_through_the_parser() -> None:
    line = b"x" * MAX_EVENT_BYTES
    src = stream.LineSource(io.BytesIO(line + b"\r\n" + line + b"yyy\n" + b"{}"), "s", 10)
    events = [e for batch in src.batches() for e in batch]
    assert [(len(e.value), e.size) for e in events] == [
        (MAX_EVENT_BYTES, None), (DEAD_LETTER_RAW_BYTES, MAX_EVENT_BYTES + 3), (2, None)]
