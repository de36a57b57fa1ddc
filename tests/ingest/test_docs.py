"""docs/ingest.md documents exactly the columns ingest/schema.py writes (graph/ codes against both)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.schema import OUTPUTS, QUARANTINE

DOC = (Path(__file__).resolve().parents[2] / "docs" / "ingest.md").read_text(encoding="utf-8")


def _documented(heading: str) -> list[str]:
    """Column names listed in the first table after `heading` (a row may name several: `a, b`)."""
    section = DOC.split(heading, 1)[1]
    cols: list[str] = []
    for line in section.splitlines()[1:]:
        if line.startswith("#"):
            break
        if m := re.match(r"^\| ([a-z_, ]+) \|", line):
            if m.group(1).strip() != "column":
                cols += [c.strip() for c in m.group(1).split(",")]
        elif cols and not line.startswith("|"):
            break
    return cols


@pytest.mark.parametrize("stem", sorted(OUTPUTS))
def test_every_output_column_is_documented_in_order(stem: str) -> None:
    assert _documented(f"### {stem}.parquet") == OUTPUTS[stem].names


def test_quarantine_columns_are_documented() -> None:
    assert _documented("## Quarantine") == QUARANTINE.names
