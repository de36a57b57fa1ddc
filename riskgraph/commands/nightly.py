"""`riskgraph nightly`: the batch job — one day through every stage, then a summary."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from ingest.errors import RiskgraphError
from nightly.report import Evaluation, write_run_report
from nightly.run import NightlyPlan, NightlyRun
from riskgraph.context import settings_from
from riskgraph.nightly import run_nightly
from riskgraph.settings import Settings
from riskgraph.wiring import open_store

if TYPE_CHECKING:
    from gnn.evaluate import EvalReport

console = Console()
log = logging.getLogger(__name__)
STAGES = ("ingest", "asr", "vision", "graph", "gnn")


def nightly(ctx: typer.Context,
            date: Annotated[str, typer.Option(help="the day to build, YYYY-MM-DD")],
            raw: Annotated[Path, typer.Option(help="folder holding the day folders (RAW/DATE/accounts.csv ...)")],
            work: Annotated[Path, typer.Option(help="folder for work outputs (WORK/DATE/*.parquet)")],
            only: Annotated[str | None, typer.Option(help=f"comma list of stages to run ({','.join(STAGES)})")] = None,
            ) -> None:
    """Run the nightly build for one day; exits 1 if any stage failed (the others still ran)."""
    stages = tuple(s.strip() for s in only.split(",")) if only else STAGES
    unknown = set(stages) - set(STAGES)
    if unknown:
        raise typer.BadParameter(f"unknown stage(s) {sorted(unknown)}; choose from {', '.join(STAGES)}")
    plan = NightlyPlan(date=date, day_dir=raw / date, work_dir=work / date, stages=stages)
    with console.status("nightly build") as status:
        run = run_nightly(settings_from(ctx), plan, on_stage=lambda name: status.update(f"nightly build: {name}"))
    print_outcomes(run)
    write_nightly_report(settings_from(ctx), run)
    if run.failed:
        raise typer.Exit(1)


def print_outcomes(run: NightlyRun) -> None:
    table = Table("stage", "status", "seconds", "counts", "error", title=f"nightly {run.plan.date}")
    colour = {"ok": "green", "failed": "red", "skipped": "yellow"}
    for o in run.outcomes:
        table.add_row(o.name, f"[{colour[o.status]}]{o.status}[/]", f"{o.seconds:.1f}",
                      ", ".join(f"{k}={v:,}" for k, v in o.counts.items()), o.error)
    console.print(table)


def write_nightly_report(settings: Settings, run: NightlyRun, eval_report: EvalReport | None = None,
                         pr_png: Path | None = None) -> Path:
    """Write report.md/report.html into the day's work folder and say where; the graph sections
    are filled when this run loaded the graph (the server is up then), the evaluation when given."""
    from gnn.report import SUMMARY_HEADERS, summary_rows  # matplotlib and torch: only when reporting

    evaluation = (Evaluation(SUMMARY_HEADERS, tuple(summary_rows(eval_report)), pr_png)
                  if eval_report is not None else None)
    graph_ran = any(o.name in ("graph", "gnn") and o.status == "ok" for o in run.outcomes)
    try:
        if graph_ran:
            with open_store(settings) as store:
                md, page = write_run_report(run, store, evaluation)
        else:
            md, page = write_run_report(run, None, evaluation)
    except RiskgraphError as e:  # the graph went away after the run: report without it
        log.warning("graph unavailable for the report: %s", e)
        md, page = write_run_report(run, None, evaluation)
    console.print(f"nightly report: {md} and {page.name}")
    return md
