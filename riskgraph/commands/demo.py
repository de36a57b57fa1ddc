"""`riskgraph demo`: the main job end to end on a simulated day (grows with each capability)."""

from __future__ import annotations

import typer
from rich.console import Console

from riskgraph.context import settings_from
from riskgraph.wiring import open_store

console = Console()


def demo(ctx: typer.Context) -> None:
    """Start the graph, then run the nightly build on a simulated day and print ring alerts."""
    settings = settings_from(ctx)
    with open_store(settings) as store:
        info = store.verify()
        console.print(f"graph reachable: {info.name} {info.version} ({info.edition}) at {store.uri}")
