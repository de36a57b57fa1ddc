"""`riskgraph neo4j start | stop | status`: the local server, or the external one if NEO4J_URI is set."""

from __future__ import annotations

import typer
from rich.console import Console

from riskgraph.context import settings_from
from riskgraph.wiring import local_neo4j_config, open_store
from services import neo4j_local as local_server

app = typer.Typer(help="Run the local Neo4j (or check the external one named by NEO4J_URI).", no_args_is_help=True)
console = Console()


@app.command()
def start(ctx: typer.Context) -> None:
    """Start the local Neo4j and return once Bolt answers."""
    settings = settings_from(ctx)
    if settings.external_neo4j:
        with open_store(settings) as store:
            info = store.verify()
        console.print(f"NEO4J_URI is set: using {settings.neo4j_uri} ({info.name} {info.version}); nothing started")
        return
    st = local_server.start(local_neo4j_config(settings))
    console.print(f"Neo4j running at {st.address} (pid {st.pid})")


@app.command()
def stop(ctx: typer.Context) -> None:
    """Stop the local Neo4j cleanly."""
    settings = settings_from(ctx)
    if settings.external_neo4j:
        console.print("NEO4J_URI is set: riskgraph does not manage that server")
        return
    stopped = local_server.stop(local_neo4j_config(settings))
    console.print("Neo4j stopped" if stopped else "Neo4j was not running")


@app.command()
def status(ctx: typer.Context) -> None:
    """Show version, address and store size; exit 1 if the server is not reachable."""
    settings = settings_from(ctx)
    size = ""
    if not settings.external_neo4j:
        st = local_server.status(local_neo4j_config(settings))
        if not st.running:
            console.print(f"local Neo4j is not running (would listen on {st.address}); start it with `riskgraph neo4j start`")
            raise typer.Exit(1)
        size = f", store {st.data_bytes / 2**20:.1f} MiB, pid {st.pid}"
    with open_store(settings, start_if_needed=False) as store:
        info = store.verify()
        console.print(f"{info.name} {info.version} ({info.edition}) at {store.uri}{size}")
