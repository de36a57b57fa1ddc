"""The one module that touches confluent-kafka: publish alerts, follow the alert topic, consume
events as a consumer group, produce decisions and dead letters.

Delivery contract (see stream.run): producers are idempotent with acks=all, `flush()` returns only
when every record is acknowledged, and the event consumer commits offsets explicitly after that
flush. Kafka errors become KafkaIOError with a message that says what to check.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence

from confluent_kafka import (
    OFFSET_BEGINNING,
    Consumer,
    KafkaError,
    KafkaException,
    Message,
    Producer,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient, NewTopic

from alerts import schema
from alerts.errors import AlertsError, KafkaIOError
from alerts.model import RingAlert
from alerts.scorer import AlertIndex, AlertSet
from alerts.stream import RawEvent

log = logging.getLogger(__name__)


def _hint(bootstrap: str) -> str:
    return (f"is Kafka up at {bootstrap}? Start the local one with `riskgraph kafka start`, "
            "or point KAFKA_BOOTSTRAP at your cluster")


def ensure_topics(bootstrap: str, topics: Sequence[str], partitions: int = 4, timeout_s: float = 30.0,
                  config: Mapping[str, str] | None = None) -> None:
    """Create the topics that do not exist yet (one replica: the local broker; a production
    cluster's topics are normally created by its owners and are left as they are), with the
    topic-level `config` (e.g. message.timestamp.type) if given."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    try:
        existing = set(admin.list_topics(timeout=timeout_s).topics)
    except KafkaException as e:
        raise KafkaIOError(f"cannot list Kafka topics: {e}; {_hint(bootstrap)}") from e
    missing = [t for t in dict.fromkeys(topics) if t not in existing]
    if not missing:
        return
    futures = admin.create_topics([NewTopic(t, num_partitions=partitions, replication_factor=1,
                                            config=dict(config or {})) for t in missing],
                                  operation_timeout=timeout_s)
    for topic, fut in futures.items():
        try:
            fut.result(timeout=timeout_s)
        except KafkaException as e:
            if e.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise KafkaIOError(f"cannot create Kafka topic {topic!r}: {e}") from e


class _Acks:
    """The broker acknowledgements still owed for the records of one checkpoint (stream.Durable)."""

    __slots__ = ("_sink", "errors", "pending")

    def __init__(self, sink: KafkaSink) -> None:
        self._sink = sink
        self.pending = 0
        self.errors: list[str] = []

    def on_delivery(self, err: KafkaError | None, msg: Message) -> None:
        self.pending -= 1
        if err is not None:
            self.errors.append(f"{msg.topic()}: {err.str()}")

    def done(self) -> bool:
        if self.pending:
            self._sink.poll()  # serve the delivery callbacks that have arrived
        if self.errors:
            raise KafkaIOError(f"records to {self._sink.topic!r} were not acknowledged {self.errors[:3]}; "
                               f"{_hint(self._sink.bootstrap)}")
        return self.pending == 0


class KafkaSink:
    """Records to one topic through an idempotent producer (acks=all). checkpoint() returns at
    once; its result turns done when the broker has acknowledged every record written before it.
    flush() waits for every acknowledgement.

    linger.ms 1: records written within a millisecond share a request (the default 5 ms would add
    up to 5 ms to every decision; 0 sends one request per record under load, costing the broker
    and this process CPU). No compression: records are small and the link is usually local or
    in-datacenter; lz4 cost more CPU per record than it saved."""

    def __init__(self, bootstrap: str, topic: str, linger_ms: int = 1, flush_timeout_s: float = 60.0) -> None:
        self.topic = topic
        self.bootstrap = bootstrap
        self._flush_timeout_s = flush_timeout_s
        self._acks = _Acks(self)
        self._producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all",
                                   "linger.ms": linger_ms})

    def write(self, key: str, value: bytes) -> None:
        acks = self._acks
        while True:
            try:
                self._producer.produce(self.topic, value=value, key=key, on_delivery=acks.on_delivery)
                break
            except BufferError:  # local queue full: let deliveries drain, then retry
                self._producer.poll(0.05)
        acks.pending += 1

    def poll(self) -> None:
        self._producer.poll(0)

    def checkpoint(self) -> _Acks:
        acks, self._acks = self._acks, _Acks(self)
        self._producer.poll(0)
        return acks

    def flush(self) -> None:
        remaining = self._producer.flush(self._flush_timeout_s)
        if remaining:
            raise KafkaIOError(f"{remaining} records to {self.topic!r} not acknowledged within "
                               f"{self._flush_timeout_s:.0f}s; {_hint(self.bootstrap)}")
        self._acks.done()  # raises on a failed delivery since the last checkpoint

    def close(self) -> None:
        self.flush()


def publish_alerts(bootstrap: str, topic: str, alerts: Sequence[RingAlert]) -> int:
    """Publish alerts keyed by ring_id (a compacted topic keeps the latest per ring)."""
    sink = KafkaSink(bootstrap, topic, linger_ms=5)
    for a in alerts:
        sink.write(a.ring_id, schema.dumps(a).encode())
    sink.flush()
    return len(alerts)


def read_topic(bootstrap: str, topic: str, timeout_s: float = 30.0) -> list[Message]:
    """Every record currently in `topic` (up to the high watermarks), for tests and tools."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"riskgraph-read-{uuid.uuid4()}",
                         "enable.auto.commit": False})
    try:
        _assign_from_beginning(consumer, topic, timeout_s)
        return _drain(consumer, timeout_s)
    finally:
        consumer.close()


def _assign_from_beginning(consumer: Consumer, topic: str, timeout_s: float) -> list[TopicPartition]:
    meta = consumer.list_topics(topic, timeout=timeout_s)
    tmeta = meta.topics.get(topic)
    if tmeta is None or tmeta.error is not None:
        raise KafkaIOError(f"Kafka topic {topic!r} does not exist: create it, or publish to it first")
    parts = [TopicPartition(topic, p, OFFSET_BEGINNING) for p in sorted(tmeta.partitions)]
    consumer.assign(parts)
    return parts


def _drain(consumer: Consumer, timeout_s: float) -> list[Message]:
    """Consume from the assignment until every partition reaches its current high watermark."""
    targets = {}
    for tp in consumer.assignment():
        _, high = consumer.get_watermark_offsets(tp, timeout=timeout_s)
        targets[tp.partition] = high
    positions = {p: 0 for p in targets}
    out: list[Message] = []
    deadline = time.monotonic() + timeout_s
    while any(positions[p] < targets[p] for p in targets):
        if time.monotonic() > deadline:
            raise KafkaIOError(f"timed out reading Kafka topic after {timeout_s:.0f}s")
        for msg in consumer.consume(1000, timeout=0.2):
            if msg.error() is not None:
                continue
            out.append(msg)
            positions[msg.partition() or 0] = (msg.offset() or 0) + 1
    return out


class KafkaAlertFeed:
    """Follows the ring-alert topic from its beginning: the latest record per ring_id (a null
    value deletes the ring), newest build only. Construction reads up to the current end, so
    the scorer starts with the full alert set; poll() then picks up what arrives later."""

    def __init__(self, bootstrap: str, topic: str, timeout_s: float = 30.0) -> None:
        self._set = AlertSet()
        self._consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"riskgraph-alerts-{uuid.uuid4()}",
                                   "enable.auto.commit": False})
        _assign_from_beginning(self._consumer, topic, timeout_s)
        self._apply(_drain(self._consumer, timeout_s))
        self._pending: AlertIndex | None = self._set.index()

    def _apply(self, msgs: Sequence[Message]) -> bool:
        changed = False
        for msg in msgs:
            if msg.error() is not None:
                continue
            key = (msg.key() or b"").decode("utf-8", "replace")
            value = msg.value()
            if value is None:
                self._set.delete(key)
                changed = True
                continue
            try:
                self._set.upsert(schema.loads(value))
                changed = True
            except AlertsError as e:  # per-item: skip the bad alert, keep the rest
                log.error("ignoring ring alert at %s[%s]@%s: %s", msg.topic(), msg.partition(), msg.offset(), e)
        return changed

    def poll(self) -> AlertIndex | None:
        if self._pending is not None:
            index, self._pending = self._pending, None
            return index
        msgs = self._consumer.consume(1000, timeout=0)
        return self._set.index() if msgs and self._apply(msgs) else None

    def close(self) -> None:
        self._consumer.close()


COMMIT_EVERY_S = 0.2  # the most often an event source commits offsets


class KafkaEventSource:
    """Events from a topic as consumer group `group_id`; offsets committed only via commit().

    batches() ends when `stop` is set, or after `idle_exit_s` without events (None: never).
    """

    def __init__(self, bootstrap: str, topic: str, group_id: str, batch_size: int = 500,
                 stop: threading.Event | None = None, idle_exit_s: float | None = None) -> None:
        self._topic = topic
        self._bootstrap = bootstrap
        self._batch = batch_size
        self._stop = stop or threading.Event()
        self._idle_exit_s = idle_exit_s
        self._offsets: dict[tuple[str, int], int] = {}  # per partition: the next offset to read
        self._dirty: set[tuple[str, int]] = set()  # partitions whose offsets are not yet committed
        self._last_commit = 0.0
        self._consumer = Consumer({
            "bootstrap.servers": bootstrap, "group.id": group_id,
            "enable.auto.commit": False, "enable.auto.offset.store": False,
            "auto.offset.reset": "earliest", "session.timeout.ms": 10_000,
            # Batch fetches by time: the broker answers when 16 KiB are waiting or after 5 ms. With
            # fetch.min.bytes 1 it answered every record with its own response, and at 5k events/s
            # the request traffic cost the broker 0.7 of a core and the tail its stalls (halved to
            # 0.4 core, p99 145 -> 55 ms, for +5 ms at the median: docs/alerts.md). Idle, this is
            # 200 small fetches a second.
            "fetch.min.bytes": 16384, "fetch.wait.max.ms": 5,
        })
        self._consumer.subscribe([topic])

    def batches(self) -> Iterator[Sequence[RawEvent]]:
        last_event = time.monotonic()
        while not self._stop.is_set():
            # Block until one record arrives, then take only what is already fetched: consume(n, t)
            # alone would wait for n records or the whole timeout, adding its wait to every decision.
            first = self._consumer.poll(0.05)
            msgs = [] if first is None else [first, *self._consumer.consume(self._batch - 1, timeout=0)]
            batch = []
            for msg in msgs:
                err = msg.error()
                if err is not None:
                    if err.fatal():
                        raise KafkaIOError(f"fatal Kafka consumer error: {err.str()}; {_hint(self._bootstrap)}")
                    log.warning("Kafka consumer: %s", err.str())
                    continue
                batch.append(RawEvent(msg.value() or b"", f"{msg.topic()}[{msg.partition()}]@{msg.offset()}",
                                      (msg.topic(), msg.partition(), msg.offset())))
            if not batch:
                self._commit_due()  # what the last batches left, once idle
            now = time.monotonic()
            if batch or not self._consumer.assignment():  # the idle clock runs only once assigned
                last_event = now
            elif self._idle_exit_s is not None and now - last_event > self._idle_exit_s:
                return
            yield batch

    def commit(self, batch: Sequence[RawEvent]) -> None:
        """Commit past `batch` asynchronously, at most every COMMIT_EVERY_S (batches() sends what is
        left while idle): each commit is a write to the broker's offsets log, and at a low event
        rate batches hold one event each. A late or lost commit only replays events whose
        decisions are already out (and identical). close() commits the latest offsets synchronously."""
        for raw in batch:
            assert isinstance(raw.token, tuple), "KafkaEventSource commits only its own events"
            topic, partition, offset = raw.token
            tp = (str(topic), int(partition))
            self._offsets[tp] = max(self._offsets.get(tp, 0), int(offset) + 1)
            self._dirty.add(tp)
        self._commit_due()

    def _commit_due(self) -> None:
        if self._dirty and time.monotonic() >= self._last_commit + COMMIT_EVERY_S:
            self._commit({tp: self._offsets[tp] for tp in self._dirty}, asynchronous=True)
            self._dirty = set()
            self._last_commit = time.monotonic()

    def _commit(self, offsets: dict[tuple[str, int], int], asynchronous: bool) -> None:
        if not offsets:
            return
        tps = [TopicPartition(t, p, o) for (t, p), o in offsets.items()]
        try:
            if asynchronous:
                self._consumer.commit(offsets=tps, asynchronous=True)
            else:
                self._consumer.commit(offsets=tps, asynchronous=False)
        except KafkaException as e:
            # Typically a rebalance took the partitions away: their new owner replays from the last
            # commit, and the replayed decisions are identical, so this loses nothing.
            log.warning("offset commit failed (%s); those events will be redelivered", e)

    def close(self) -> None:
        owned = {(tp.topic, tp.partition) for tp in self._consumer.assignment()}
        self._commit({tp: o for tp, o in self._offsets.items() if tp in owned}, asynchronous=False)
        self._consumer.close()


def consumer_lag(bootstrap: str, topic: str, group_id: str, timeout_s: float = 10.0) -> dict[int, int]:
    """Per partition: high watermark minus the group's committed offset (for tests and status)."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group_id, "enable.auto.commit": False})
    try:
        meta = c.list_topics(topic, timeout=timeout_s).topics[topic]
        parts = [TopicPartition(topic, p) for p in sorted(meta.partitions)]
        committed = c.committed(parts, timeout=timeout_s)
        out: dict[int, int] = {}
        for tp in committed:
            _, high = c.get_watermark_offsets(tp, timeout=timeout_s)
            out[tp.partition] = high - max(tp.offset, 0)
        return out
    finally:
        c.close()
