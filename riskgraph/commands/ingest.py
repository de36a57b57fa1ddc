"""`riskgraph ingest clicks|orders|all DAY_DIR --out WORK_DIR`: a day's raw files into Parquet."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from ingest import IngestConfig, StageResult, ingest_clicks, ingest_orders
from riskgraph.context import settings_from
from riskgraph.wiring import ingest_config

app = typer.Typer(help="Read a day's clicks, orders, returns, accounts and calls into Parquet under WORK_DIR.",
                  no_args_is_help=True)
console = Console()

DAY = typer.Argument(..., exists=True, file_okay=False, help="the day folder (accounts.csv, clicks/, ...)")
OUT = typer.Option(..., "--out", help="the day's work folder; Parquet files are written here")


def _config(ctx: typer.Context) -> IngestConfig:
    return ingest_config(settings_from(ctx))


def _run(label: str, fn: Callable[..., StageResult], day: Path, out: Path, cfg: IngestConfig) -> StageResult:
    tasks: dict[str, TaskID] = {}
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.fields[amount]}"),
                  TimeElapsedColumn(), console=console, transient=False) as progress:
        def on_progress(step: str, done: int, total: int, unit: str) -> None:
            amount = f"{done / 2**20:,.0f}/{total / 2**20:,.0f} MiB" if unit == "bytes" else f"{done}/{total}"
            if step not in tasks:
                tasks[step] = progress.add_task(f"{label}: {step}", total=total, amount=amount)
            progress.update(tasks[step], completed=done, total=total, amount=amount)

        start = time.perf_counter()
        result = fn(day, out, cfg, on_progress)
    _report(label, result, out, time.perf_counter() - start)
    return result


def _report(label: str, result: StageResult, out: Path, seconds: float) -> None:
    table = Table(title=f"ingest {label}: {seconds:.1f} s, in {out}")
    table.add_column("file", no_wrap=True)
    table.add_column("rows", justify="right", no_wrap=True)
    for stem, n in result.rows.items():
        table.add_row(f"{stem}.parquet", f"{n:,}")
    table.add_row("quarantine/ingest.parquet", f"{result.quarantined:,} (this run)")
    for what, n in result.without_media.items():  # kept rows, not bad data
        table.add_row(what.replace("_", " "), f"{n:,}")
    console.print(table)


@app.command()
def clicks(ctx: typer.Context, day_dir: Path = DAY, out: Path = OUT) -> None:
    """clicks/*.jsonl -> sessions, fingerprints, similar_pairs (+ quarantine)."""
    _run("clicks", ingest_clicks, day_dir, out, _config(ctx))


@app.command()
def orders(ctx: typer.Context, day_dir: Path = DAY, out: Path = OUT) -> None:
    """accounts, orders, returns, calls.csv -> accounts, orders, returns, calls_meta, flows (+ quarantine)."""
    _run("orders", ingest_orders, day_dir, out, _config(ctx))


@app.command("all")
def all_(ctx: typer.Context, day_dir: Path = DAY, out: Path = OUT) -> None:
    """Both: orders then clicks."""
    cfg = _config(ctx)
    _run("orders", ingest_orders, day_dir, out, cfg)
    _run("clicks", ingest_clicks, day_dir, out, cfg)
