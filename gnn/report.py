"""Writing an evaluation: JSON (atomic) and a PNG of the account-level precision-recall curves."""

from __future__ import annotations

import json
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never a display
import matplotlib.pyplot as plt  # noqa: E402

from gnn.evaluate import EvalReport  # noqa: E402
from ingest.atomic import atomic_write, write_text_atomic


def _clean(obj: object) -> object:
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, float) and math.isnan(obj):
        return None
    return obj


def write_report(report: EvalReport, out_dir: Path) -> tuple[Path, Path]:
    """Write `evaluation.json` and `pr_curves.png` into `out_dir`; returns both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    js = out_dir / "evaluation.json"
    write_text_atomic(js, json.dumps(_clean(report.metrics), indent=2, sort_keys=True))
    fig, ax = plt.subplots(figsize=(7, 5))
    for name, (recall, precision) in report.curves.items():
        ax.step(recall, precision, where="post", label=name)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_title("account-level precision-recall (accounts without a training label)")
    ax.legend(fontsize=8, loc="lower left")
    png = out_dir / "pr_curves.png"
    with atomic_write(png) as fh:
        fig.savefig(fh, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return js, png


SUMMARY_HEADERS = ("method", "PR-AUC", "acct F1", "ring P", "ring R", "ring F1", "look-alike rings in top 20")


def summary_rows(report: EvalReport) -> list[tuple[str, ...]]:
    """One row per method: name, PR-AUC, account F1, ring P, R, F1, look-alike rings in top 20."""
    rows: list[tuple[str, ...]] = []
    for name, m in report.metrics.items():
        acc, rings = m["accounts"], m["rings"]
        assert isinstance(acc, dict) and isinstance(rings, dict)
        r_all = rings["all"]
        rows.append((name, f"{acc['pr_auc']:.3f}", f"{acc['f1']:.3f}", f"{r_all['precision']:.3f}",
                     f"{r_all['recall']:.3f}", f"{r_all['f1']:.3f}", str(rings["lookalike_rings_top"])))
    return rows
