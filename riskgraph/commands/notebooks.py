"""`riskgraph notebooks` (`make notebooks`): JupyterLab on notebooks/, against the graph the nightly build wrote."""

from __future__ import annotations

import os
import secrets
import sys
from typing import Annotated

import typer
from rich.console import Console

from riskgraph.context import settings_from
from riskgraph.settings import ROOT
from riskgraph.wiring import open_store

console = Console()


def notebooks(ctx: typer.Context,
              port: Annotated[int, typer.Option(help="JupyterLab port (on 127.0.0.1)")] = 8888,
              token: Annotated[str | None, typer.Option(help="access token (default: a fresh random one)")] = None,
              ) -> None:
    """Start the local Neo4j if needed, then JupyterLab (no browser); prints the URL with its token."""
    settings = settings_from(ctx)
    with open_store(settings) as store:  # starts the local server if it is down; fails early if unreachable
        store.verify()
    token = token or secrets.token_hex(16)
    # the kernels inherit this environment: the same settings (NEO4J_*, RISKGRAPH_*) and this checkout first
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    console.print(f"graph: {settings.neo4j_uri or f'local Neo4j on port {settings.neo4j_port}'}")
    console.print(f"open [bold]http://127.0.0.1:{port}/lab?token={token}[/bold]   (token {token}; Ctrl-C stops)")
    args = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.port={port}",
            "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={ROOT / 'notebooks'}",
            # offline: no extension-manager look-ups on PyPI, no news or update checks
            "--LabApp.extension_manager=readonly", "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--ServerApp.allow_root=True")  # containers and CI run as root
    os.execv(sys.executable, args)  # Jupyter takes over this process: Ctrl-C reaches it directly
