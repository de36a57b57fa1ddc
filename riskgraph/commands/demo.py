"""`riskgraph demo` (`make demo`): simulate a day, run the nightly build, show ring alerts and their quality."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from graph.export_types import GraphExport
from nightly.run import NightlyPlan
from riskgraph.commands.nightly import print_outcomes, write_nightly_report
from riskgraph.context import settings_from
from riskgraph.nightly import run_nightly
from riskgraph.wiring import open_store

console = Console()


def demo(ctx: typer.Context,
         date: Annotated[str, typer.Option(help="the simulated day")] = "2026-11-27",
         accounts: Annotated[int, typer.Option(help="accounts in the simulated world")] = 3000,
         rings: Annotated[int, typer.Option(help="planted rings")] = 10,
         seed: Annotated[int, typer.Option(help="simulation seed")] = 0,
         ablation: Annotated[bool, typer.Option(help="also evaluate ablations and baselines")] = True) -> None:
    """Simulate a day with media, run the nightly build on it, print the top rings and the evaluation."""
    from gnn.detect import DetectConfig  # torch and PyG: imported only when the command runs
    from gnn.evaluate import evaluate
    from gnn.report import SUMMARY_HEADERS, summary_rows, write_report
    from gnn.truth import read_truth
    from riskgraph.commands.simulate import simulate_world

    settings = settings_from(ctx)
    root = settings.var_dir / "demo"
    raw, work = root / "raw", root / "work"
    if not (raw / date / "accounts.csv").exists():
        console.rule(f"simulating {date}: {accounts:,} accounts, {rings} rings (seed {seed})")
        simulate_world(raw, date, accounts, rings, seed)
    else:
        console.print(f"using the simulated day in {raw / date} (delete {root} to simulate again)")
    console.rule("nightly build")
    plan = NightlyPlan(date=date, day_dir=raw / date, work_dir=work / date)
    with console.status("nightly build") as status:
        run = run_nightly(settings, plan, on_stage=lambda name: status.update(f"nightly build: {name}"))
    print_outcomes(run)
    export = run.artefacts.get("export")
    if not isinstance(export, GraphExport):
        raise typer.Exit(1)
    _print_top_rings(settings_from(ctx), run.artefacts["build_id"])
    truth_dir = raw / "truth" / date
    console.rule("quality against the simulator's truth")
    with console.status("evaluating (one model per ablation)"):
        report = evaluate(export, read_truth(truth_dir), DetectConfig(threads=settings.gnn_threads),
                          settings.var_dir / "models", "demo-eval", ablation=ablation)
    table = Table(*SUMMARY_HEADERS)
    for row in summary_rows(report):
        table.add_row(*row)
    console.print(table)
    js, png = write_report(report, work / date / "evaluation")
    console.print(f"evaluation: {js}, {png}")
    write_nightly_report(settings, run, report, png)
    if run.failed:
        raise typer.Exit(1)


def _print_top_rings(settings: object, build_id: str, top: int = 10) -> None:
    from graph import analyst
    from riskgraph.settings import Settings

    assert isinstance(settings, Settings)
    with open_store(settings) as store:
        rings = analyst.top_rings(store, build_id, limit=top)
        console.rule(f"top {len(rings)} ring alerts ({build_id})")
        for r in rings:
            view = analyst.ring_view(store, r.ring_id)
            if view is None:
                continue
            console.print(f"[bold]{r.ring_id}[/bold]  {r.kind}  score {r.score:.3f}  {r.size} members  "
                          f"model {r.model_version}")
            for e in view.evidence[:4]:
                console.print(f"    {e['modality']}/{e['kind']}: {str(e['value'])[:60]} "
                              f"({len(e['accounts'])} accounts) {str(e.get('detail', ''))[:60]}")
