"""The `riskgraph` command line: parses settings once and hands them to each command."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.logging import RichHandler

from ingest.errors import RiskgraphError
from riskgraph.commands import (
    alerts,
    asr,
    demo,
    gnn,
    graph,
    ingest,
    kafka,
    neo4j,
    nightly,
    score,
    simulate,
    vision,
)
from riskgraph.commands.notebooks import notebooks as notebooks_command
from riskgraph.offline import configure_offline
from riskgraph.settings import load_settings

app = typer.Typer(help="riskgraph: find collusive fraud rings in calls, parcel photos, clicks and orders.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(neo4j.app, name="neo4j")
app.add_typer(asr.app, name="asr")
app.add_typer(ingest.app, name="ingest")
app.add_typer(graph.app, name="graph")
app.add_typer(simulate.app, name="simulate")
app.add_typer(gnn.app, name="gnn")
app.add_typer(kafka.app, name="kafka")
app.add_typer(alerts.app, name="alerts")
app.command()(score.score)
app.add_typer(vision.app, name="vision")
app.command()(demo.demo)
app.command()(nightly.nightly)
app.command(name="notebooks")(notebooks_command)

err = Console(stderr=True)
PRIVATE_UMASK = 0o077


@app.callback()
def main(ctx: typer.Context,
         config: Path | None = typer.Option(None, "--config", help="TOML settings file (default ./riskgraph.toml)"),
         verbose: bool = typer.Option(False, "--verbose", "-v", help="debug logging")) -> None:
    # Private by default: everything riskgraph and its child processes (Neo4j, Kafka, Jupyter) write
    # — stores, logs, work folders, passwords — is owner-only (files 0600, folders 0700).
    os.umask(PRIVATE_UMASK)
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format="%(message)s",
                        handlers=[RichHandler(console=err, show_path=False)])
    for noisy in ("neo4j", "urllib3", "ultralytics", "numba", "faster_whisper"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    settings = load_settings(config_file=config)
    configure_offline(settings.var_dir)
    ctx.obj = settings


def run() -> None:
    """Entry point: RiskgraphError becomes one line on stderr and exit code 1."""
    try:
        rc = app(standalone_mode=False)  # click returns typer.Exit's code instead of raising it here
    except RiskgraphError as e:
        err.print(f"[red]error:[/red] {e}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except typer.Abort:
        sys.exit(130)
    if isinstance(rc, int) and rc:
        sys.exit(rc)
