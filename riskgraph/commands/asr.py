"""`riskgraph asr convert | transcribe`: Whisper weights and the day's call recordings."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from riskgraph.context import settings_from
from riskgraph.executors import media_executor
from riskgraph.wiring import entity_config, read_spec, transcriber_factory

app = typer.Typer(help="Call recordings into transcripts and complaint signals.", no_args_is_help=True)
console = Console()


@app.command()
def convert(src: Path = typer.Argument(..., help="CTranslate2 Whisper folder (model.bin, config.json)"),
            dst: Path = typer.Argument(..., help="openai-whisper checkpoint to write (.pt)")) -> None:
    """Convert a CTranslate2 Whisper model into a checkpoint `whisper.load_model(DST)` accepts."""
    from asr.convert import convert as convert_model

    dims = convert_model(src, dst)
    console.print(f"wrote {dst} ({dst.stat().st_size / 2**20:.1f} MiB): "
                  + ", ".join(f"{k}={v}" for k, v in dims.items()))


@app.command()
def transcribe(ctx: typer.Context,
               day_dir: Path = typer.Argument(..., help="day folder holding calls.csv and the audio files"),
               out: Path = typer.Option(..., "--out", help="work folder: transcripts.parquet, quarantine/asr.parquet"),
               backend: str | None = typer.Option(None, help="faster-whisper | openai-whisper (default: settings)"),
               compute_type: str | None = typer.Option(None, help="int8 | float32 (faster-whisper)"),
               language: str | None = typer.Option(None, help="language for calls without one (default: detect)"),
               executor: str | None = typer.Option(None, help="local | ray (default: ray when RAY_ADDRESS is set)")
               ) -> None:
    """Transcribe every call of DAY_DIR; re-runs skip audio already transcribed."""
    from asr import JobOptions, transcribe_day

    settings = settings_from(ctx)
    transcriber = transcriber_factory(settings, executor, backend=backend, compute_type=compute_type)
    options = JobOptions(max_seconds=float(settings.asr_max_seconds),
                         default_language=language or settings.asr_language,
                         read=read_spec(settings, day_dir),
                         entities=entity_config(settings, day_dir))
    with Progress(TextColumn("transcribing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as bar:
        task = bar.add_task("calls", total=None)
        with media_executor(settings, executor, local_processes=settings.asr_workers) as runner:
            result = transcribe_day(day_dir, out, transcriber, options,
                                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                                    executor=runner)
    console.print(f"{result.transcribed} transcribed, {result.reused} reused, {result.skipped} already done, "
                  f"{len(result.quarantine)} quarantined -> {result.transcripts_path}")
    if result.quarantine:
        table = Table("call", "reason", "detail", title=f"quarantine ({result.quarantine_path})")
        for q in result.quarantine:
            table.add_row(q.item or f"{q.source}:{q.line}", q.reason, q.detail)
        console.print(table)
