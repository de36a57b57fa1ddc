"""`riskgraph kafka start | stop | status`: the local broker, or the cluster named by KAFKA_BOOTSTRAP."""

from __future__ import annotations

import typer
from rich.console import Console

from riskgraph.context import settings_from
from riskgraph.wiring import local_kafka_config
from services import kafka_local

app = typer.Typer(help="Run the local single-node Kafka (KRaft, 127.0.0.1 only).", no_args_is_help=True)
console = Console()


@app.command()
def start(ctx: typer.Context) -> None:
    """Start the local Kafka and return once it answers clients."""
    settings = settings_from(ctx)
    if settings.kafka_bootstrap:
        console.print(f"KAFKA_BOOTSTRAP is set ({settings.kafka_bootstrap}): nothing started")
        return
    st = kafka_local.start(local_kafka_config(settings))
    console.print(f"Kafka running at {st.address} (pid {st.pid})")


@app.command()
def stop(ctx: typer.Context) -> None:
    """Stop the local Kafka cleanly."""
    settings = settings_from(ctx)
    if settings.kafka_bootstrap:
        console.print("KAFKA_BOOTSTRAP is set: riskgraph does not manage that cluster")
        return
    stopped = kafka_local.stop(local_kafka_config(settings))
    console.print("Kafka stopped" if stopped else "Kafka was not running")


@app.command()
def status(ctx: typer.Context) -> None:
    """Show address, pid and log size; exit 1 if the local broker is not running."""
    settings = settings_from(ctx)
    if settings.kafka_bootstrap:
        console.print(f"KAFKA_BOOTSTRAP is set: {settings.kafka_bootstrap} (not managed by riskgraph)")
        return
    st = kafka_local.status(local_kafka_config(settings))
    if not st.running:
        console.print(f"local Kafka is not running (would listen on {st.address}); "
                      "start it with `riskgraph kafka start`")
        raise typer.Exit(1)
    console.print(f"Kafka at {st.address}, pid {st.pid}, logs {st.data_bytes / 2**20:.1f} MiB")
