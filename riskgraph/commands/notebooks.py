"""`riskgraph notebooks` (`make notebooks`): JupyterLab on notebooks/, against the graph the nightly build wrote."""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from riskgraph.context import settings_from
from riskgraph.settings import ROOT
from riskgraph.wiring import open_store

console = Console()


@dataclass(frozen=True)
class JupyterLaunch:
    """The command line and environment of the Jupyter server. The token travels in the environment
    (JUPYTER_TOKEN), never on the command line where `ps` shows it to every user of the machine."""

    args: list[str]
    env: dict[str, str]


def jupyter_launch(var_dir: Path, port: int, token: str, environ: dict[str, str]) -> JupyterLaunch:
    """Jupyter's runtime (connection files, the server's own token file), data and config folders
    live under var/jupyter (owner-only), not in the home folder."""
    home = var_dir / "jupyter"
    dirs = {"JUPYTER_RUNTIME_DIR": home / "runtime", "JUPYTER_DATA_DIR": home / "data",
            "JUPYTER_CONFIG_DIR": home / "config", "IPYTHONDIR": home / "ipython"}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
    env = {**environ, **{k: str(v) for k, v in dirs.items()}, "JUPYTER_TOKEN": token}
    env.pop("JUPYTER_TOKEN_FILE", None)
    # the kernels inherit this environment: the same settings (NEO4J_*, RISKGRAPH_*) and this checkout first
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), environ.get("PYTHONPATH", "")) if p)
    args = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.port={port}",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={ROOT / 'notebooks'}",
            # offline: no extension-manager look-ups on PyPI, no news or update checks
            "--LabApp.extension_manager=readonly", "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--ServerApp.allow_root=True")  # containers and CI run as root
    return JupyterLaunch(args, env)


def notebooks(ctx: typer.Context,
              port: Annotated[int, typer.Option(help="JupyterLab port (on 127.0.0.1)")] = 8888,
              token_file: Annotated[Path | None, typer.Option(help="file holding the access token "
                                                              "(default: a fresh random one)")] = None,
              ) -> None:
    """Start the local Neo4j if needed, then JupyterLab (no browser); prints the URL with its token."""
    settings = settings_from(ctx)
    with open_store(settings) as store:  # starts the local server if it is down; fails early if unreachable
        store.verify()
    token = token_file.read_text().strip() if token_file else os.environ.get("JUPYTER_TOKEN") or secrets.token_hex(16)
    launch = jupyter_launch(settings.var_dir, port, token, dict(os.environ))
    console.print(f"graph: {settings.neo4j_uri or f'local Neo4j on port {settings.neo4j_port}'}")
    console.print(f"open [bold]http://127.0.0.1:{port}/lab?token={token}[/bold]   (Ctrl-C stops)")
    os.execve(sys.executable, launch.args, launch.env)  # Jupyter takes over this process: Ctrl-C reaches it directly
