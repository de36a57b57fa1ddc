"""`riskgraph score`: the streaming scorer (ring alerts in memory, one decision per event)."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import typer
from rich.console import Console

from alerts import stream
from alerts.scorer import Scorer
from ingest.errors import RiskgraphError
from riskgraph.context import settings_from
from riskgraph.wiring import kafka_bootstrap

console = Console(stderr=True)  # stdout may carry the decisions
KAFKA = "kafka:"


def _topic(target: str) -> str | None:
    if not target.startswith(KAFKA):
        return None
    topic = target[len(KAFKA):]
    if not topic:
        raise RiskgraphError(f"{target!r} names no topic: write kafka:TOPIC")
    return topic


def score(ctx: typer.Context,
          alerts: str = typer.Option(..., "--alerts", help="PATH of a JSON-lines export, or kafka:TOPIC"),
          events: str = typer.Option("-", "--events", help="- (stdin), FILE, or kafka:TOPIC"),
          decisions: str = typer.Option("-", "--decisions", help="- (stdout), FILE (appended), or kafka:TOPIC"),
          dead_letter: str | None = typer.Option(None, "--dead-letter", help="- (stderr), FILE or kafka:TOPIC; "
                                                 "default kafka:EVENTS.dlq with Kafka events, else -"),
          bootstrap: str | None = typer.Option(None, "--bootstrap", help="HOST:PORT (default KAFKA_BOOTSTRAP, "
                                               "else the local Kafka)"),
          group: str = typer.Option("riskgraph-scorer", "--group", help="consumer group of the event topic"),
          batch_size: int = typer.Option(500, "--batch-size", help="events per commit (Kafka) or flush (file)"),
          idle_exit: float | None = typer.Option(None, "--idle-exit", help="stop after this many seconds "
                                                 "without events (Kafka; default: run until SIGTERM)"),
          reload_every: float = typer.Option(1.0, "--reload-every", help="seconds between checks of an alert file")) -> None:
    """Score events against the latest ring alerts: allow / review / block with reasons."""
    from alerts import kafka_io  # the Kafka client loads only when used

    settings = settings_from(ctx)
    alert_topic, event_topic, decision_topic = _topic(alerts), _topic(events), _topic(decisions)
    dead = dead_letter or (f"{KAFKA}{event_topic}.dlq" if event_topic else "-")
    dead_topic = _topic(dead)
    server = ""
    if any(t is not None for t in (alert_topic, event_topic, decision_topic, dead_topic)):
        server = kafka_bootstrap(settings, bootstrap)
        kafka_io.ensure_topics(server, [t for t in (alert_topic, event_topic, decision_topic, dead_topic) if t])

    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    feed: stream.AlertFeed = (kafka_io.KafkaAlertFeed(server, alert_topic) if alert_topic
                              else stream.FileAlertFeed(Path(alerts), reload_every))
    source: stream.EventSource
    if event_topic:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, _stop)
        source = kafka_io.KafkaEventSource(server, event_topic, group, batch_size, stop, idle_exit)
    else:
        stream_in = sys.stdin.buffer if events == "-" else open(events, "rb")
        source = stream.LineSource(stream_in, events, 1 if events == "-" else batch_size)

    def sink(target: str, topic: str | None, std: object) -> stream.Sink:
        return kafka_io.KafkaSink(server, topic) if topic else stream.LineSink.open(target, std)  # type: ignore[arg-type]

    out = sink(decisions, decision_topic, sys.stdout.buffer)
    dlq = sink(dead, dead_topic, sys.stderr.buffer)
    try:
        stats = stream.run(Scorer(), feed, source, out, dlq)
    finally:
        for closable in (source, out, dlq, feed):
            closable.close()
    counts = ", ".join(f"{k} {v}" for k, v in sorted(stats.decisions.items())) or "none"
    console.print(f"scored {stats.events} events: {counts}; dead-lettered {stats.dead}; "
                  f"alert reloads {stats.alert_reloads}", highlight=False)
