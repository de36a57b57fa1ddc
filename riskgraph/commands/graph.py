"""`riskgraph graph load | stats`: merge a day's work folder into Neo4j, and count what is there."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from graph import analyst
from graph.export import export_graph
from graph.loader import LoadReport
from graph.plan import load_work_dir
from graph.store import GraphStore
from riskgraph.context import settings_from
from riskgraph.wiring import open_store

app = typer.Typer(help="The Neo4j risk graph: load a day, show counts.", no_args_is_help=True)
console = Console()


def load_with_progress(store: GraphStore, work_dir: Path, date: str, batch_size: int, workers: int = 1) -> LoadReport:
    """Load with a progress display."""
    with Progress(TextColumn("[bold]graph load[/bold] {task.description}"), BarColumn(),
                  TextColumn("{task.completed:,} rows"), TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task("", total=None)

        def progress(step: str, rows: int) -> None:
            bar.update(task, description=step, completed=rows)

        return load_work_dir(store, work_dir, date, progress, batch_size, workers)


@app.command("load")
def load_cmd(ctx: typer.Context,
             work_dir: Annotated[Path, typer.Argument(help="the day's work folder (ingest/asr/vision outputs)")],
             date: Annotated[str, typer.Option(help="the day, YYYY-MM-DD")]) -> None:
    """Merge one day's Parquet outputs into the graph (idempotent; resumes an interrupted load)."""
    if not work_dir.is_dir():
        raise typer.BadParameter(f"{work_dir} is not a folder")
    settings = settings_from(ctx)
    with open_store(settings) as store:
        report = load_with_progress(store, work_dir, date, settings.graph_batch_size, settings.graph_workers)
    what = {"new": "new day", "unchanged": "unchanged inputs, nothing to do", "resumed": "resumed",
            "replaced": "inputs changed: the day's old data was replaced"}[report.mode]
    console.print(f"loaded {report.build_id} ({what}): {sum(report.rows_written.values()):,} rows in "
                  f"{len(report.steps_run)} steps ({len(report.steps_skipped)} already done)")


@app.command()
def stats(ctx: typer.Context) -> None:
    """Node counts per label and relationship counts per type."""
    with open_store(settings_from(ctx)) as store:
        labels, rels = analyst.counts(store)
    table = Table("label / type", "count", title="risk graph")
    for name, n in [*labels.items(), *rels.items()]:
        table.add_row(name, f"{n:,}")
    console.print(table)


@app.command("export")
def export_cmd(ctx: typer.Context,
               out: Annotated[Path, typer.Option(help="folder for the export (export.npz + manifest.json)")],
               start: Annotated[str, typer.Option(help="first day of the window, YYYY-MM-DD")],
               end: Annotated[str | None, typer.Option(help="last day (default: start)")] = None) -> None:
    """Export the account graph for gnn/ (numpy; `riskgraph gnn detect|eval --export OUT`)."""
    with open_store(settings_from(ctx)) as store, console.status("exporting") as status:
        exp = export_graph(store, start, end or start, progress=lambda step: status.update(f"exporting {step}"))
    exp.save(out)
    console.print(f"exported {len(exp.nodes['account']):,} accounts and "
                  f"{sum(len(e.src) for e in exp.edges):,} edges to {out}")


@app.command("import-files")
def import_files_cmd(ctx: typer.Context,
                     work_dir: Annotated[Path, typer.Argument(help="the day's work folder (ingest/asr/vision outputs)")],
                     date: Annotated[str, typer.Option(help="the day, YYYY-MM-DD")],
                     out: Annotated[Path, typer.Option(help="folder for the CSVs, on storage the Neo4j host reads")],
                     finish: Annotated[bool, typer.Option(help="after neo4j-admin ran and the server is up: create "
                                                          "the schema and record the day's Build")] = False) -> None:
    """A first build for an external server: write the offline importer's CSVs and its command line;
    with --finish, complete the imported graph through NEO4J_URI so it equals a MERGE load."""
    from graph.bulk import finish_import, write_import_files
    from graph.bulk_tables import build_tables
    from graph.plan import load_plan
    from graph.reload import input_fingerprint
    from graph.schema import build_id_for

    settings = settings_from(ctx)
    tables = build_tables(work_dir, date)
    if finish:
        with open_store(settings) as store:
            finish_import(store, tables, load_plan(work_dir), build_id_for(date), date, input_fingerprint(work_dir))
        console.print(f"finished the import of {build_id_for(date)}")
        return
    files = write_import_files(tables, out)
    import shlex

    args = [*files.args, "--overwrite-destination=true", settings.neo4j_database]
    (out / "import.sh").write_text("#!/bin/sh\n# stop the server first; then start it and run "
                                   "`riskgraph graph import-files ... --finish`\nneo4j-admin database import full \\\n  "
                                   + " \\\n  ".join(shlex.quote(a) for a in args) + "\n")
    console.print(f"wrote {sum(files.rows.values()):,} rows in {len(files.args)} files to {out}; "
                  f"run {out / 'import.sh'} on the Neo4j host (server stopped), then this command with --finish")
