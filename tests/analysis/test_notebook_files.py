"""The notebooks are committed clean: no outputs, no execution counts, parameters first."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def test_the_three_notebooks_exist() -> None:
    assert [p.name for p in NOTEBOOKS] == ["01_ring_investigation.ipynb", "02_model_quality.ipynb",
                                           "03_account_lookup.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_stripped(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    dirty = [i for i, c in enumerate(code) if c.outputs or c.execution_count is not None]
    assert not dirty, f"{path.name}: code cells {dirty} carry outputs; clear them before committing"
    assert "parameters" in code[0].metadata.get("tags", []), "the first code cell must be the parameters cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_driver_code_in_cells(path: Path) -> None:
    """Cells read the graph through graph.analyst, never the driver or Cypher."""
    nb = nbformat.read(path, as_version=4)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for banned in ("import neo4j", "GraphDatabase", ".read(", ".write(", "MATCH "):
        assert banned not in source, f"{path.name} has {banned!r} in a cell"
