"""Evaluation against the simulator's truth: account and ring metrics, ablation and baselines.

Account metrics are computed on the accounts without a training label (label -1): those are the
ones a risk team does not already know, so scoring them well is what the model is for. Every
method is run on the same export: the full GNN, the GNN without one modality (calls, photos,
clickstream: features and edges), and three baselines that use no GNN:
- rules: an account is flagged when it shares things of at least two modalities with others
  (within the hub limit); rings are connected groups of flagged accounts;
- components: connected components of the shared-attribute evidence graph;
- community: Leiden communities + order loops scored on structure alone (no account model).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from gnn.communities import connected_groups
from gnn.detect import DetectConfig, detect, find_rings
from gnn.evidence import build_evidence_graph
from gnn.metrics import average_precision, f1_at, pr_curve
from gnn.modalities import MODALITIES
from gnn.rings import EvidenceIndex
from gnn.truth import Truth, match
from graph.export_types import GraphExport
from graph.records import KNOWN_RING_KINDS, RingKind, RingMember, RingRecord, ring_id_for

log = logging.getLogger(__name__)

RING_KINDS = KNOWN_RING_KINDS


@dataclass(frozen=True)
class MethodResult:
    name: str
    scores: np.ndarray  # float [n_accounts]
    threshold: float
    rings: tuple[RingRecord, ...]


@dataclass
class EvalReport:
    metrics: dict[str, dict[str, object]] = field(default_factory=dict)  # method -> metrics
    curves: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)  # method -> (recall, precision)


def _prf(tp: int, n_pred: int, n_true: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_true if n_true else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "n_detected": n_pred, "n_true": n_true, "n_matched": tp}


def ring_metrics(rings: Sequence[RingRecord], truth: Truth, top: int = 20) -> dict[str, object]:
    detected = [frozenset(m.account_id for m in r.members) for r in rings]
    m = match(detected, truth.rings)
    out: dict[str, object] = {"all": _prf(len(m), len(detected), len(truth.rings))}
    for kind in RING_KINDS:
        true_k = [j for j, t in enumerate(truth.rings) if t.kind == kind]
        det_k = [i for i, r in enumerate(rings) if r.kind == kind]
        out[kind] = {"recall": sum(j in m.values() for j in true_k) / len(true_k) if true_k else float("nan"),
                     "precision": sum(i in m for i in det_k) / len(det_k) if det_k else float("nan"),
                     "n_true": len(true_k), "n_detected": len(det_k)}
    out["kind_accuracy"] = (sum(rings[i].kind == truth.rings[j].kind for i, j in m.items()) / len(m)) if m else 0.0
    look = truth.lookalike_kind
    out["lookalike_rings_top"] = sum(
        sum(a in look for a in d) > len(d) / 2 for d in detected[:top])
    biggest = max(truth.rings, key=lambda t: len(t.members), default=None)
    if biggest is not None:
        best = max((len(d & biggest.members) / len(d | biggest.members) for d in detected), default=0.0)
        out["largest_true_ring"] = {"ring_id": biggest.ring_id, "kind": biggest.kind, "size": len(biggest.members),
                                    "best_jaccard": best, "found_as_one_ring": best >= 0.9}
    return out


def account_metrics(export: GraphExport, truth: Truth, scores: np.ndarray, threshold: float) -> dict[str, object]:
    ids = export.nodes["account"].ids
    fraud = truth.fraud_accounts
    y = np.array([a in fraud for a in ids], dtype=np.int64)
    unl = export.account_labels < 0
    p, r, f1 = f1_at(y[unl], scores[unl], threshold)
    look = np.array([a in truth.lookalike_kind for a in ids])
    flagged = scores >= threshold
    return {"pr_auc": average_precision(y[unl], scores[unl]), "precision": p, "recall": r, "f1": f1,
            "threshold": threshold, "n_eval_accounts": int(unl.sum()), "n_eval_fraud": int(y[unl].sum()),
            "lookalikes_flagged": int((flagged & look).sum()), "lookalikes": int(look.sum())}


def _groups_as_rings(export: GraphExport, groups: Sequence[np.ndarray], scores: np.ndarray,
                     build_id: str) -> tuple[RingRecord, ...]:
    ids = export.nodes["account"].ids
    out = []
    for g in sorted(groups, key=len, reverse=True):
        member_ids = [ids[i] for i in g.tolist()]
        out.append(RingRecord(ring_id_for(member_ids, build_id), RingKind.UNKNOWN, float(scores[g].mean()),
                              tuple(RingMember(ids[i], float(scores[i]), "member") for i in g.tolist()), (), ""))
    return tuple(out)


def baselines(export: GraphExport, config: DetectConfig, build_id: str) -> list[MethodResult]:
    n = len(export.nodes["account"])
    eg = build_evidence_graph(export, config.evidence)
    index = EvidenceIndex(export, config.evidence, frozenset())
    # rules: modalities of evidence tying each account to others
    mods = np.zeros(n)
    for a in range(n):
        ms = {t[0] for t in index.things.get(a, ())}
        mods[a] = len(ms) + (1 if index.behaviour.get(a) else 0)
    rule_score = np.minimum(mods / 4.0, 1.0)
    flagged = rule_score >= 0.5
    keep = flagged[eg.src] & flagged[eg.dst]
    sub = replace(eg, src=eg.src[keep], dst=eg.dst[keep], weight=eg.weight[keep])
    rules = MethodResult("baseline: rules", rule_score, 0.5,
                         _groups_as_rings(export, connected_groups(sub, config.rings.min_size), rule_score, build_id))
    comps = connected_groups(eg, config.rings.min_size)
    in_comp = np.zeros(n)
    for c in comps:
        in_comp[c] = 1.0
    components = MethodResult("baseline: components", in_comp, 0.5,
                              _groups_as_rings(export, comps, in_comp, build_id))
    rings = find_rings(export, None, config, build_id, "")
    ids = {a: i for i, a in enumerate(export.nodes["account"].ids)}
    ring_score = np.zeros(n)
    for r in rings:
        for m in r.members:
            ring_score[ids[m.account_id]] = max(ring_score[ids[m.account_id]], r.score)
    community = MethodResult("baseline: community (no GNN)", ring_score, config.rings.threshold, tuple(rings))
    return [rules, components, community]


def evaluate(export: GraphExport, truth: Truth, config: DetectConfig, model_dir: Path, build_id: str,
             ablation: bool = True) -> EvalReport:
    """Run every method on `export` and measure it against `truth`."""
    runs: list[tuple[str, frozenset[str]]] = [("gnn (full)", frozenset())]
    if ablation:
        runs += [(f"gnn without {m}", frozenset({m})) for m in MODALITIES]
    results: list[MethodResult] = []
    for name, drop in runs:
        log.info("evaluating %s", name)
        det = detect(export, replace(config, drop=drop, model_version=None), model_dir, build_id)
        scores = np.array([s.score for s in det.scores])
        results.append(MethodResult(name, scores, det.threshold, det.rings))
    if ablation:
        results += baselines(export, config, build_id)
    report = EvalReport()
    fraud = truth.fraud_accounts
    unl = export.account_labels < 0
    y = np.array([a in fraud for a in export.nodes["account"].ids], dtype=np.int64)[unl]
    for res in results:
        report.metrics[res.name] = {"accounts": account_metrics(export, truth, res.scores, res.threshold),
                                    "rings": ring_metrics(res.rings, truth)}
        precision, recall, _ = pr_curve(y, res.scores[unl])
        report.curves[res.name] = (recall, precision)
    return report
