"""Ray is one outside system, imported in one module; the CLI and the local path never load it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The product and the simulator; testing/ray_cluster.py may ask the test cluster about its nodes.
PACKAGES = ("riskgraph", "nightly", "alerts", "analysis", "services", "ingest", "asr", "vision", "graph", "gnn", "simulate")


def _imports_ray(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
            [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        if any(n == "ray" or n.startswith("ray.") for n in names):
            return True
    return False


def test_only_the_executor_module_imports_ray() -> None:
    users = sorted(str(p.relative_to(ROOT)) for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if _imports_ray(p))
    assert users == ["riskgraph/ray_executor.py"]


def test_the_local_path_does_not_load_ray() -> None:
    code = ("import sys; from riskgraph.cli import app; from riskgraph.executors import media_executor; "
            "from riskgraph.settings import load_settings\n"
            "with media_executor(load_settings(env={})) as ex: pass\n"
            "print('ray' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "False"
