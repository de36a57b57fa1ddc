"""Notebook parameters: explicit values, else environment variables, else the latest demo build."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from graph.store import GraphStore
from ingest.errors import RiskgraphError
from riskgraph.settings import Settings, load_settings
from riskgraph.wiring import open_store

# environment variable -> parameter (what `make notebooks` or a test sets to point a notebook elsewhere)
ENV = {
    "RISKGRAPH_NB_WORK": "work_dir",  # the day's work folder (WORK/D)
    "RISKGRAPH_NB_RAW": "day_dir",  # the raw day folder (RAW/D: photos, clicks)
    "RISKGRAPH_NB_TRUTH": "truth_dir",  # the simulator's truth for D (model quality only)
    "RISKGRAPH_NB_RING": "ring_id",
    "RISKGRAPH_NB_ACCOUNT": "account_id",
    "RISKGRAPH_NB_OUT": "out_dir",  # where figures and HTML graphs are written
}


@dataclass(frozen=True)
class NotebookParams:
    date: str
    work_dir: Path
    day_dir: Path
    truth_dir: Path | None  # None when the day has no truth (a real, not simulated, day)
    ring_id: str  # "" = the top ring of the latest build
    account_id: str  # "" = the top-scored member of the chosen ring
    out_dir: Path


def _latest_day(root: Path) -> Path:
    days = sorted(p for p in root.glob("????-??-??") if p.is_dir()) if root.is_dir() else []
    if not days:
        raise RiskgraphError(f"no build under {root}: run `make demo` first, or set RISKGRAPH_NB_WORK "
                             "to a day's work folder")
    return days[-1]


def resolve_params(work_dir: str = "", day_dir: str = "", truth_dir: str = "", ring_id: str = "",
                   account_id: str = "", out_dir: str = "", env: Mapping[str, str] | None = None,
                   settings: Settings | None = None) -> NotebookParams:
    """Fill each empty parameter from its environment variable (ENV), else from the demo layout
    (`VAR_DIR/demo/work/<latest day>`, `VAR_DIR/demo/raw/<day>`, `VAR_DIR/demo/raw/truth/<day>`)."""
    env = os.environ if env is None else env
    given = {"work_dir": work_dir, "day_dir": day_dir, "truth_dir": truth_dir, "ring_id": ring_id,
             "account_id": account_id, "out_dir": out_dir}
    values = {name: given[name] or env.get(var, "") for var, name in ENV.items()}
    demo = (settings or load_settings(env)).var_dir / "demo"
    work = Path(values["work_dir"]) if values["work_dir"] else _latest_day(demo / "work")
    date = work.name
    day = Path(values["day_dir"]) if values["day_dir"] else demo / "raw" / date
    truth = Path(values["truth_dir"]) if values["truth_dir"] else demo / "raw" / "truth" / date
    out = Path(values["out_dir"]) if values["out_dir"] else work / "notebooks"
    out.mkdir(parents=True, exist_ok=True)
    return NotebookParams(date, work, day, truth if (truth / "rings.csv").exists() else None,
                          values["ring_id"], values["account_id"], out)


def open_graph(settings: Settings | None = None) -> GraphStore:
    """The graph the nightly build wrote (NEO4J_URI, else the local server, started if down)."""
    return open_store(settings or load_settings())
