"""Model quality against the simulator's truth, from what the nightly build wrote to the graph:
the account PR curve, the confusion of ring kinds, and the benign look-alikes that scored highest."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from analysis.figures import new_figure, save
from gnn.metrics import average_precision, pr_curve
from gnn.truth import Truth, match
from graph import analyst
from graph.store import GraphStore

NO_RING = "(none)"


def draw_pr_curve(scores: Sequence[tuple[str, float, str]], truth: Truth, path: Path,
                  width_px: int = 800, height_px: int = 600) -> tuple[Path, float]:
    """PR curve of the build's account scores on accounts without a reference label (the ones the
    model had to find). scores: (account_id, score, label) as graph.analyst.account_scores returns.
    Returns the PNG path and the average precision (nan without a fraud account)."""
    unl = [(a, s) for a, s, label in scores if not label]
    y = np.array([a in truth.fraud_accounts for a, _ in unl], dtype=np.int64)
    s = np.array([sc for _, sc in unl], dtype=np.float64)
    ap = average_precision(y, s)
    fig, (ax,) = new_figure(width_px, height_px)
    if len(y) and y.sum():
        precision, recall, _ = pr_curve(y, s)
        ax.step(np.r_[0.0, recall], np.r_[precision[0], precision], where="post", label=f"gnn (AP {ap:.3f})")
        ax.axhline(y.mean(), color="#999999", ls="--", lw=1, label=f"base rate {y.mean():.3f}")
        ax.legend(loc="lower left")
    else:
        ax.text(0.5, 0.5, "no fraud account among the unlabelled", ha="center", transform=ax.transAxes)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_title(f"account-level precision-recall ({len(y)} unlabelled accounts, {int(y.sum())} fraud)")
    fig.tight_layout()
    return save(fig, path), ap


def ablation_rows(evaluation_json: Path) -> list[dict[str, object]]:
    """One row per method of an evaluation.json (gnn.report.write_report); [] if there is none."""
    if not evaluation_json.exists():
        return []
    rows = []
    for name, m in json.loads(evaluation_json.read_text()).items():
        acc, rings = m["accounts"], m["rings"]
        rows.append({"method": name, "PR-AUC": acc.get("pr_auc"), "acct F1": acc.get("f1"),
                     "ring P": rings["all"]["precision"], "ring R": rings["all"]["recall"],
                     "ring F1": rings["all"]["f1"], "look-alike rings in top 20": rings.get("lookalike_rings_top")})
    return rows


def kind_confusion(rings: Mapping[str, tuple[str, Sequence[str]]], truth: Truth
                   ) -> tuple[list[str], list[str], np.ndarray]:
    """Rows: true kind (plus NO_RING for detected rings matching no true ring); columns: detected
    kind (plus NO_RING for true rings no detection matched). Matching as gnn.truth.match."""
    ids = list(rings)
    detected = [frozenset(rings[r][1]) for r in ids]
    m = match(detected, truth.rings)
    true_kinds = sorted({t.kind for t in truth.rings}) + [NO_RING]
    det_kinds = sorted({k for k, _ in rings.values()} | {t.kind for t in truth.rings}) + [NO_RING]
    mat = np.zeros((len(true_kinds), len(det_kinds)), dtype=np.int64)
    for i, rid in enumerate(ids):
        row = truth.rings[m[i]].kind if i in m else NO_RING
        mat[true_kinds.index(row), det_kinds.index(rings[rid][0])] += 1
    matched = set(m.values())
    for j, t in enumerate(truth.rings):
        if j not in matched:
            mat[true_kinds.index(t.kind), det_kinds.index(NO_RING)] += 1
    return true_kinds, det_kinds, mat


def draw_confusion(rows: Sequence[str], cols: Sequence[str], mat: np.ndarray, path: Path,
                   width_px: int = 800, height_px: int = 600) -> Path:
    fig, (ax,) = new_figure(width_px, height_px)
    ax.imshow(mat, cmap="Blues")
    ax.set_xticks(range(len(cols)), cols, rotation=30, ha="right")
    ax.set_yticks(range(len(rows)), rows)
    for i in range(len(rows)):
        for j in range(len(cols)):
            ax.text(j, i, str(mat[i, j]), ha="center", va="center",
                    color="white" if mat[i, j] > mat.max() / 2 else "black")
    ax.set_xlabel("detected kind")
    ax.set_ylabel("true kind")
    ax.set_title("ring kinds: truth vs detection (Jaccard ≥ 0.5 match)")
    fig.tight_layout()
    return save(fig, path)


def top_lookalikes(scores: Sequence[tuple[str, float, str]], truth: Truth, n: int = 10) -> list[tuple[str, str, float]]:
    """The benign look-alike accounts (family, campus NAT, …) the model scored highest:
    (account_id, look-alike kind, score), highest first."""
    look = [(a, truth.lookalike_kind[a], s) for a, s, _ in scores if a in truth.lookalike_kind]
    return sorted(look, key=lambda x: (-x[2], x[0]))[:n]


def explain(store: GraphStore, accounts: Sequence[tuple[str, str, float]], things: int = 4) -> list[dict[str, object]]:
    """Why each (account, kind, score) looks like fraud: what it shares and with how many, its rings."""
    rows = []
    for a, kind, score in accounts:
        view = analyst.account_view(store, a)
        shared = analyst.shared_things(store, a, limit=things)
        rows.append({"account": a, "look-alike kind": kind, "score": round(score, 3),
                     "shares": "; ".join(f"{t.relation} {t.key} with {t.n_accounts - 1} others"
                                         + (" [fraud-listed]" if t.fraud_listed else "") for t in shared),
                     "rings": ", ".join(f"{r[0]} ({r[1]})" for r in view.rings) if view else ""})
    return rows
