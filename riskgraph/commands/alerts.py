"""`riskgraph alerts export | publish`: the nightly build's rings as ring alerts."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from alerts.export import FORMATS, build_alerts, read_alerts_jsonl, write_alerts
from alerts.kafka_io import ensure_topics, publish_alerts
from alerts.model import RingAlert
from graph.alerts_query import latest_ring_build, rings_of_build
from ingest.errors import RiskgraphError
from riskgraph.context import settings_from
from riskgraph.settings import Settings
from riskgraph.wiring import kafka_bootstrap, open_store

app = typer.Typer(help="Export ring alerts (the scorer's input) and publish them to Kafka.", no_args_is_help=True)
console = Console(stderr=True)


def _alerts_from_graph(settings: Settings, build: str) -> tuple[str, list[RingAlert]]:
    with open_store(settings) as store:
        build_id = latest_ring_build(store) if build == "latest" else build
        if build_id is None:
            raise RiskgraphError("the graph holds no rings yet: run the nightly build (gnn/ writes the rings)")
        rings = rings_of_build(store, build_id)
    if not rings:
        raise RiskgraphError(f"build {build_id!r} has no rings (is the build id right?)")
    alerts, rejected = build_alerts(rings)
    for ring_id, reason in rejected:
        console.print(f"[yellow]skipped[/yellow] {ring_id}: {reason}", highlight=False)
    return build_id, alerts


def _summary(alerts: list[RingAlert], title: str) -> None:
    table = Table(title=title)
    for col in ("kind", "rings", "members"):
        table.add_column(col)
    kinds: dict[str, list[RingAlert]] = {}
    for a in alerts:
        kinds.setdefault(a.kind, []).append(a)
    for kind, items in sorted(kinds.items()):
        table.add_row(kind, str(len(items)), str(sum(len(a.members) for a in items)))
    console.print(table)


@app.command()
def export(ctx: typer.Context,
           build: str = typer.Option("latest", "--build", help="build id, or 'latest' (newest build with rings)"),
           fmt: str = typer.Option("jsonl", "--format", help=f"one of {', '.join(FORMATS)}"),
           out: Path = typer.Option(..., "--out", help="output file (written atomically)")) -> None:
    """Write every ring of a build as a schema-valid ring alert."""
    if fmt not in FORMATS:
        raise RiskgraphError(f"unknown --format {fmt!r}: choose one of {', '.join(FORMATS)}")
    build_id, alerts = _alerts_from_graph(settings_from(ctx), build)
    n = write_alerts(alerts, fmt, out)
    _summary(alerts, f"{n} ring alerts of build {build_id} -> {out}")


@app.command()
def publish(ctx: typer.Context,
            bootstrap: str | None = typer.Option(None, "--bootstrap", help="HOST:PORT (default KAFKA_BOOTSTRAP, "
                                                 "else the local Kafka)"),
            topic: str = typer.Option("ring-alerts", "--topic"),
            build: str = typer.Option("latest", "--build", help="build id or 'latest' (read from Neo4j)"),
            from_file: Path | None = typer.Option(None, "--from", help="publish a JSON-lines export instead")) -> None:
    """Publish ring alerts keyed by ring_id with an idempotent producer."""
    settings = settings_from(ctx)
    if from_file is not None:
        alerts = read_alerts_jsonl(from_file)
        source = str(from_file)
    else:
        build_id, alerts = _alerts_from_graph(settings, build)
        source = f"build {build_id}"
    server = kafka_bootstrap(settings, bootstrap)
    ensure_topics(server, [topic])
    n = publish_alerts(server, topic, alerts)
    _summary(alerts, f"{n} ring alerts of {source} -> {server} topic {topic}")
