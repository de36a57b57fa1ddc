"""The analysts' notebooks run top to bottom against a demo build, and the nightly report of
that build says what ran. Figures are checked as images (size, not blank), graphs as HTML."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from PIL import Image, ImageStat

from graph import analyst
from graph.store import GraphStore, Neo4jConnection
from tests.analysis.demo_build import DemoBuild, build_demo

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, neo4j_local: object) -> DemoBuild:
    from services.neo4j_local import LocalNeo4jConfig

    assert isinstance(neo4j_local, LocalNeo4jConfig)
    return build_demo(tmp_path_factory.mktemp("demo"), neo4j_local)


@pytest.fixture(scope="module")
def graph(demo: DemoBuild) -> Iterator[GraphStore]:
    s = demo.settings
    with GraphStore(Neo4jConnection(s.neo4j_uri or "", s.neo4j_user, s.neo4j_password or "")) as store:
        yield store


def _execute(name: str, demo: DemoBuild, out: Path, **params: str) -> nbformat.NotebookNode:
    """Run a notebook in a fresh kernel pointed at the demo build; a cell error raises."""
    s = demo.settings
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RISKGRAPH_VAR_DIR": str(s.var_dir), "NEO4J_URI": s.neo4j_uri or "",
           "NEO4J_PASSWORD": s.neo4j_password or "", "RISKGRAPH_NB_WORK": str(demo.work_day),
           "RISKGRAPH_NB_RAW": str(demo.raw_day), "RISKGRAPH_NB_TRUTH": str(demo.truth_dir),
           "RISKGRAPH_NB_OUT": str(out), **params}
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute(env=env)
    return nb


def _png_outputs(nb: nbformat.NotebookNode) -> int:
    return sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def _check_png(path: Path, size: tuple[int, int]) -> None:
    assert path.exists(), f"expected figure {path.name} was not written"
    with Image.open(path) as im:
        assert im.format == "PNG"
        assert im.size == size, f"{path.name}: {im.size} != {size}"
        spread = ImageStat.Stat(im.convert("L")).stddev[0]
    assert spread > 5, f"{path.name} is blank"


def _ring_with(graph: GraphStore) -> tuple[str, str]:
    """(a ring with transcribed calls if any, else the top ring; a ring with parcels if any)."""
    rings = analyst.ring_members(graph)
    assert rings, "the demo build found no ring"
    with_calls = [r for r in rings if analyst.ring_calls(graph, r)]
    with_parcels = [r for r in rings if analyst.ring_parcels(graph, r)]
    top = next(iter(rings))
    return (with_calls or [top])[0], (with_parcels or [top])[0]


def test_ring_investigation(demo: DemoBuild, graph: GraphStore, tmp_path: Path) -> None:
    ring_id, parcel_ring = _ring_with(graph)
    nb = _execute("01_ring_investigation.ipynb", demo, tmp_path, RISKGRAPH_NB_RING=ring_id)
    assert _png_outputs(nb) == 3  # subgraph, parcels, click timeline
    _check_png(tmp_path / f"{ring_id}.png", (1200, 900))
    _check_png(tmp_path / f"{ring_id}-parcels.png", (1200, 800))
    _check_png(tmp_path / f"{ring_id}-clicks.png", (1200, 700))
    page = (tmp_path / f"{ring_id}.html").read_text()
    view = analyst.ring_view(graph, ring_id)
    assert view is not None and "new vis.Network" in page
    assert all(f"Account:{a}" in page for a, _, _ in view.members)
    text = "\n".join(str(o.get("data", {}).get("text/html", "")) for c in nb.cells if c.cell_type == "code"
                     for o in c.outputs)
    calls = analyst.ring_calls(graph, ring_id)
    assert all(c.call_id in text for c in calls)  # the transcript view shows each call
    if any(c.keywords or c.mentions for c in calls):  # and marks what was matched in its text
        assert "<mark" in text
    assert all(c.text for c in calls), "a demo call was transcribed as nothing"
    # the parcel view on a ring that has parcels (photos from the raw day folder)
    from analysis.evidence import draw_parcels

    parcels = analyst.ring_parcels(graph, parcel_ring)
    _check_png(draw_parcels(demo.raw_day, parcels, tmp_path / "parcels.png"), (1200, 800))


def test_model_quality(demo: DemoBuild, tmp_path: Path) -> None:
    nb = _execute("02_model_quality.ipynb", demo, tmp_path)
    assert _png_outputs(nb) == 3  # PR curve, the evaluation's PR curves, kind confusion
    _check_png(tmp_path / "pr_curve.png", (800, 600))
    _check_png(tmp_path / "kind_confusion.png", (800, 600))
    plain = "\n".join(str(o.get("data", {}).get("text/plain", "")) for c in nb.cells if c.cell_type == "code"
                      for o in c.outputs)
    assert "average precision" in plain and "baseline: rules" in plain  # the ablation table was read


def test_account_lookup(demo: DemoBuild, graph: GraphStore, tmp_path: Path) -> None:
    ring_id = next(iter(analyst.ring_members(graph)))
    view = analyst.ring_view(graph, ring_id)
    assert view is not None
    account = view.members[-1][0]
    nb = _execute("03_account_lookup.ipynb", demo, tmp_path, RISKGRAPH_NB_ACCOUNT=account)
    assert _png_outputs(nb) == 2
    _check_png(tmp_path / f"{account}-neighbourhood.png", (1200, 900))
    _check_png(tmp_path / f"{account}-paths.png", (1200, 900))
    assert f"Account:{account}" in (tmp_path / f"{account}-neighbourhood.html").read_text()


def test_nightly_report(demo: DemoBuild, graph: GraphStore) -> None:
    md = demo.report_md.read_text()
    page = (demo.work_day / "report.html").read_text()
    for o in demo.run.outcomes:
        assert f"| {o.name} | {o.status} |" in md
    # calls without a recording are not bad data: counted by ingest, not quarantined
    assert "no_audio" not in md and "calls_without_audio=" in md and "day_new=1" in md
    labels, _ = analyst.counts(graph)
    assert f"| node | Account | 0 | {labels['Account']:,} | +{labels['Account']:,} |" in md
    for r in analyst.top_rings(graph, limit=3):
        assert r.ring_id in md and r.ring_id in page
    assert "gnn without calls" in md and "baseline: rules" in md
    assert "![account-level precision-recall curves](evaluation/pr_curves.png)" in md
    assert "data:image/png;base64," in page
