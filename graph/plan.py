"""The full load plan for a work folder: every source is optional.

Order matters only for links that MATCH rather than MERGE their far end: calls mention orders
that must already be loaded, and parcels hang off returns.
"""

from __future__ import annotations

from pathlib import Path

from graph.loader import LoadReport, LoadStep, Progress, build_id_for, load
from graph.reload import input_fingerprint
from graph.steps_ingest import FINGERPRINT_PROPS, ingest_steps
from graph.steps_media import media_steps
from graph.store import GraphStore


def load_plan(work_dir: Path) -> list[LoadStep]:
    return [*ingest_steps(work_dir), *media_steps(work_dir)]


def load_work_dir(store: GraphStore, work_dir: Path, date: str, progress: Progress | None = None,
                  batch_size: int | None = None, workers: int = 1) -> LoadReport:
    """Load one day's work folder: new, unchanged (no-op), resumed, or replaced when its inputs changed."""
    return load(store, load_plan(work_dir), build_id_for(date), date, progress, batch_size, workers,
                fingerprint=input_fingerprint(work_dir), fingerprint_props=FINGERPRINT_PROPS)
