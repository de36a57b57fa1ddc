"""The scoring loop and its file/stdio ends.

    for each batch from the event source:
        pick up new alerts (if the feed has any) -> decide each event -> write decisions and
        dead letters -> checkpoint the sinks -> commit, in order, every batch whose
        checkpoints are durable (written to disk, or acknowledged by Kafka)

Committing a batch only once its outputs are durable gives at-least-once delivery: a crash
before the commit replays the batch, and the replayed decisions are identical (they are
deterministic and carry the event id), so duplicates are harmless. File sinks are durable at
the checkpoint (flush + fsync), so their batches commit at once; a Kafka sink's checkpoint
returns immediately and its batch commits when the broker acknowledges it, while the loop goes
on scoring the next batches (at most MAX_UNACKED_BATCHES ahead). Kafka ends live in kafka_io;
files and stdio here.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from alerts.errors import AlertsError, EventError
from alerts.events import (
    DEAD_LETTER_RAW_BYTES,
    MAX_EVENT_BYTES,
    dead_letter,
    encode_decision,
    oversized,
    parse_event,
)
from alerts.export import read_alerts_jsonl
from alerts.scorer import AlertIndex, AlertSet, Scorer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RawEvent:
    value: bytes  # the event; for an oversized one only its first bytes (see `size`)
    origin: str  # where it came from, for dead letters: "FILE:LINE" or "TOPIC[PARTITION]@OFFSET"
    token: object = None  # what the source needs to commit it
    size: int | None = None  # set when the event was over MAX_EVENT_BYTES: its whole size; `value` is a prefix


class AlertFeed(Protocol):
    def poll(self) -> AlertIndex | None:
        """A new index if the alerts changed since the last call, else None (must be cheap)."""

    def close(self) -> None: ...


class EventSource(Protocol):
    def batches(self) -> Iterator[Sequence[RawEvent]]:
        """Batches until the source ends or is stopped; an empty batch means "nothing yet"."""

    def commit(self, batch: Sequence[RawEvent]) -> None: ...

    def close(self) -> None: ...


class Durable(Protocol):
    def done(self) -> bool:
        """True once everything written before its checkpoint is durable (must be cheap and not
        block); raises the sink's error if some of it can never be."""


class _Done:
    def done(self) -> bool:
        return True


DONE: Durable = _Done()  # the checkpoint of a sink that is durable when checkpoint() returns

MAX_UNACKED_BATCHES = 64  # batches scored ahead of the oldest one whose outputs are not yet durable


class Sink(Protocol):
    def write(self, key: str, value: bytes) -> None:
        """One record (a JSON line without its newline)."""

    def checkpoint(self) -> Durable:
        """Mark everything written so far; the result tells when it has become durable."""

    def flush(self) -> None:
        """Return only when everything written is durable (on disk, or acknowledged by Kafka)."""

    def close(self) -> None: ...


@dataclass
class RunStats:
    events: int = 0
    dead: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    alert_reloads: int = 0


def run(scorer: Scorer, feed: AlertFeed, source: EventSource, decisions: Sink, dead: Sink) -> RunStats:
    """Score every event of `source` (see the module docstring for the delivery contract)."""
    stats = RunStats()
    unacked: deque[tuple[Sequence[RawEvent], Durable, Durable]] = deque()

    def refresh() -> None:
        if (index := feed.poll()) is not None:
            scorer.use(index)
            stats.alert_reloads += 1
            # The index lives until the next reload: keep it out of the cycle collector's full
            # passes, which would otherwise walk every ring and member (a pause of milliseconds
            # per million objects) while events wait. Superseded indexes are still freed by
            # reference counting (they hold no cycles).
            gc.freeze()

    def commit_durable(wait: bool) -> None:
        """Commit, oldest first, the batches whose decisions and dead letters are durable;
        with `wait`, block until the oldest one is."""
        ready: list[RawEvent] = []
        while unacked:
            batch, out, dlq = unacked[0]
            if not (out.done() and dlq.done()):
                if not wait:
                    break
                decisions.flush()
                dead.flush()
                continue
            unacked.popleft()
            ready.extend(batch)
            wait = False
        if ready:
            source.commit(ready)

    refresh()  # before the first event: a missing or broken alert source fails fast
    for batch in source.batches():
        refresh()
        for raw in batch:
            stats.events += 1
            if raw.size is not None:  # rejected while reading: never held whole
                stats.dead += 1
                dead.write(raw.origin, dead_letter(raw.value, oversized(raw.size), raw.origin, raw.size))
                continue
            try:
                decision = scorer.decide(parse_event(raw.value))
                line = encode_decision(decision)
            except EventError as e:
                stats.dead += 1
                dead.write(raw.origin, dead_letter(raw.value, str(e), raw.origin))
                continue
            except Exception as e:  # per-item: one event that trips a bug must not stop the stream
                log.exception("event %s could not be scored", raw.origin)
                stats.dead += 1
                dead.write(raw.origin, dead_letter(raw.value, f"internal error: {type(e).__name__}: {e}", raw.origin))
                continue
            stats.decisions[decision.decision] += 1
            decisions.write(decision.event_id, line)
        if batch:
            unacked.append((batch, decisions.checkpoint(), dead.checkpoint()))
        commit_durable(wait=len(unacked) > MAX_UNACKED_BATCHES)
    while unacked:
        commit_durable(wait=True)
    return stats


class FileAlertFeed:
    """Alerts from a JSON-lines export, re-read when the file changes (checked at most every
    `check_every_s`). Exports are replaced atomically, so a reader never sees half a file; if the
    new file is still broken the scorer keeps the alerts it has."""

    def __init__(self, path: Path, check_every_s: float = 1.0) -> None:
        self._path = path
        self._every = check_every_s
        self._next_check = 0.0
        self._seen: tuple[int, int, int] | None = None

    def poll(self) -> AlertIndex | None:
        now = time.monotonic()
        if now < self._next_check:
            return None
        self._next_check = now + self._every
        try:
            st = self._path.stat()
        except OSError as e:
            if self._seen is None:
                raise AlertsError(f"cannot read ring alerts {self._path}: {e.strerror}; "
                                  "export them with `riskgraph alerts export`") from e
            return None
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        if stamp == self._seen:
            return None
        try:
            alerts = read_alerts_jsonl(self._path)
        except AlertsError:
            if self._seen is None:
                raise
            log.exception("new ring alerts in %s are unusable; keeping the previous ones", self._path)
            self._seen = stamp
            return None
        self._seen = stamp
        s = AlertSet()
        s.replace(alerts)
        return s.index()

    def close(self) -> None:
        pass


class LineSource:
    """JSON lines from a file or stdin; ends at end of input. `batch_size` 1 suits interactive
    stdin (each event answered at once); larger batches amortize flushes for files.

    Reads are bounded: a line over MAX_EVENT_BYTES is never held whole; its first bytes and its
    size become a RawEvent with `size` set (dead-lettered by `run`), the rest is skipped."""

    def __init__(self, stream: IO[bytes], name: str, batch_size: int = 1) -> None:
        self._stream = stream
        self._name = name
        self._batch = max(1, batch_size)

    def _lines(self) -> Iterator[tuple[bytes, int | None]]:
        """(line without its end, None) or (first bytes of an oversized line, its size)."""
        while line := self._stream.readline(MAX_EVENT_BYTES + 2):  # + room for the line end
            if line.endswith(b"\n") or len(line) <= MAX_EVENT_BYTES:
                yield line.rstrip(b"\r\n"), None
                continue
            prefix, size = line[:DEAD_LETTER_RAW_BYTES], len(line)
            while not line.endswith(b"\n") and (line := self._stream.readline(1 << 16)):
                size += len(line)
            yield prefix, size - (1 if line.endswith(b"\n") else 0)

    def batches(self) -> Iterator[Sequence[RawEvent]]:
        batch: list[RawEvent] = []
        for n, (line, size) in enumerate(self._lines(), 1):
            if size is None and not line.strip():
                continue
            batch.append(RawEvent(line, f"{self._name}:{n}", size=size))
            if len(batch) >= self._batch:
                yield batch
                batch = []
        if batch:
            yield batch

    def commit(self, batch: Sequence[RawEvent]) -> None:
        pass

    def close(self) -> None:
        if self._stream is not sys.stdin.buffer:
            self._stream.close()


class LineSink:
    """JSON lines to a file (appended; fsync on flush) or stdout/stderr (flush only)."""

    def __init__(self, stream: IO[bytes], durable: bool) -> None:
        self._stream = stream
        self._durable = durable

    @classmethod
    def open(cls, target: str, std: IO[bytes]) -> LineSink:
        if target == "-":
            return cls(std, durable=False)
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        return cls(open(path, "ab"), durable=True)

    def write(self, key: str, value: bytes) -> None:
        self._stream.write(value + b"\n")

    def checkpoint(self) -> Durable:
        self.flush()
        return DONE

    def flush(self) -> None:
        self._stream.flush()
        if self._durable:
            os.fsync(self._stream.fileno())

    def close(self) -> None:
        self.flush()
        if self._durable:
            self._stream.close()
