"""The full load plan for a work folder: every source is optional."""

from __future__ import annotations

from pathlib import Path

from graph.loader import LoadStep
from graph.steps_ingest import ingest_steps


def load_plan(work_dir: Path) -> list[LoadStep]:
    return [*ingest_steps(work_dir)]
