"""`riskgraph simulate`: write one synthetic day (inputs + truth) with planted fraud rings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from riskgraph.context import settings_from
from simulate import DIFFICULTIES, SimConfig, simulate_day
from simulate.errors import SimulateError

app = typer.Typer(help="Write a synthetic marketplace day with planted collusive rings (and its truth).")
console = Console()


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise SimulateError(f"--date must be YYYY-MM-DD, got {value!r}") from e


@app.callback(invoke_without_command=True)
def simulate(ctx: typer.Context,
             out: Path | None = typer.Option(None, "--out", help="output folder (default: VAR_DIR/sim)"),
             date: str = typer.Option(..., "--date", help="the day to simulate, YYYY-MM-DD"),
             accounts: int = typer.Option(3000, "--accounts", min=100, help="accounts in the world"),
             rings: int = typer.Option(10, "--rings", min=0, help="fraud rings to plant"),
             seed: int = typer.Option(0, "--seed", help="world seed (the day adds the date)"),
             difficulty: str = typer.Option("default", "--difficulty", help="easy | default | hard"),
             media_fraction: float = typer.Option(1.0, "--media-fraction", min=0.0, max=1.0,
                                                  help="share of returns/calls with a photo/recording"),
             label_fraction: float = typer.Option(0.05, "--label-fraction", min=0.0, max=1.0,
                                                  help="share of ring members labelled fraud"),
             label_noise: float = typer.Option(0.05, "--label-noise", min=0.0, max=0.9,
                                               help="share of label rows that are wrong"),
             workers: int = typer.Option(2, "--workers", min=1, help="processes for media rendering"),
             designs: str = typer.Option("", "--designs",
                                         help="comma list of ring designs to rotate through (docs/simulate.md); "
                                              "default: the classic three kinds")) -> None:
    """Write DIR/DATE/ (the input contract) and DIR/truth/DATE/ (answers for evaluation only)."""
    if difficulty not in DIFFICULTIES:
        raise SimulateError(f"--difficulty must be one of {', '.join(DIFFICULTIES)}, got {difficulty!r}")
    target = out or settings_from(ctx).var_dir / "sim"
    cfg = SimConfig(date=_date(date), accounts=accounts, rings=rings, seed=seed, difficulty=difficulty,
                    media_fraction=media_fraction, label_fraction=label_fraction, label_noise=label_noise,
                    workers=workers, designs=tuple(d.strip() for d in designs.split(",") if d.strip()))
    run_and_show(cfg, target)


def simulate_world(out: Path, date: str, accounts: int, rings: int, seed: int) -> None:
    """A default-difficulty day with full media (what `riskgraph demo` uses)."""
    run_and_show(SimConfig(date=_date(date), accounts=accounts, rings=rings, seed=seed), out)


def run_and_show(cfg: SimConfig, target: Path) -> None:
    """Simulate with a media progress bar, then print what was written."""
    with Progress(TextColumn("media"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as progress:

        def on_media(total: int) -> Callable[[], None]:
            task = progress.add_task("media", total=total)
            return lambda: progress.advance(task)

        summary = simulate_day(cfg, target, on_media)
    table = Table(title=f"simulated {cfg.date} (seed {cfg.seed}, {cfg.difficulty})")
    table.add_column("item")
    table.add_column("count", justify="right")
    for name in ("accounts", "orders", "returns", "calls", "click_events", "photos", "recordings", "rings",
                 "ring_members", "quarantined"):
        table.add_row(name.replace("_", " "), f"{getattr(summary, name):,}")
    console.print(table)
    console.print(f"inputs: {summary.day_dir}\ntruth:  {summary.truth_dir} (evaluation only; the pipeline must not read it)")
