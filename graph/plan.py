"""The full load plan for a work folder: every source is optional.

Order matters only for links that MATCH rather than MERGE their far end: calls mention orders
that must already be loaded, and parcels hang off returns.
"""

from __future__ import annotations

from pathlib import Path

from graph.loader import LoadStep
from graph.steps_ingest import ingest_steps
from graph.steps_media import media_steps


def load_plan(work_dir: Path) -> list[LoadStep]:
    return [*ingest_steps(work_dir), *media_steps(work_dir)]
