"""A learned ring score: a candidate's evidence mix -> the probability that it is a ring.

Why: the hand-set score (`gnn/rings.py`) adds fixed weights of evidence shares and asks for a
ring-specific tie; it was shaped on the three ring designs the simulator first had. A ring that
knows the rules spreads its ties over modalities that each look innocent, or keeps one tie only.
Here every candidate becomes a vector of design-agnostic features (`FEATURES`: which kinds of
evidence tie how many members, how dense the ties are, how the members behave, whether their
order amounts agree) and a model learns which mixes are rings.

Labels are weak: a candidate holding an account a risk team labelled fraud is *labelled*, every
other candidate *unlabelled* (rings without a labelled member among them). That is
positive-unlabelled learning (Elkan & Noto, KDD 2008): a classifier g(x) = P(labelled | x),
divided by c = the mean of g over labelled candidates it was not fitted on, estimates
P(ring | x) when labelled rings are a random sample of rings. The account labels never enter the
features, and the mean account score is taken over unlabelled members only (a labelled member's
score is a training point of the account model). Simulator truth is used only to evaluate.

The classifier is an L2-regularised logistic regression on standardised features (Newton steps,
numpy): few parameters for a few hundred candidates, and its weights can be read (`weights`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gnn.data import feature_column
from gnn.evidence import EvidenceGraph
from gnn.rings import (
    Candidate,
    EvidenceIndex,
    RingConfig,
    dedupe,
    keep_members,
    loop_evidence,
    ring_kind,
    ring_roles,
    specific_share,
)
from graph.export_types import GraphExport
from graph.records import EvidenceItem, RingMember, RingRecord, ring_id_for

TIE_KINDS = ("shared_device", "shared_ip", "shared_address", "shared_phone", "drop_address", "call_phone",
             "co_timed_coupon", "similar_behaviour", "listed_drop_address")
FEATURES = (
    "log_size", *(f"tied_{k}" for k in TIE_KINDS), "n_tie_kinds", "multi_tied", "specific", "loop", "star",
    "density", "anomaly", "model_score", "coupon_frac", "return_rate", "log_age", "fraud_match",
    "amount_agree", "complaints")


@dataclass(frozen=True)
class RingModel:
    mean: np.ndarray  # float [n_features], standardisation
    scale: np.ndarray
    coef: np.ndarray  # float [n_features]
    intercept: float
    c: float  # mean P(labelled) over held-out labelled candidates (Elkan-Noto)
    n_train: int
    n_labelled: int

    def probability(self, x: np.ndarray) -> np.ndarray:
        """float [n]: estimated P(ring) for feature rows x [n, n_features]."""
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return np.clip(_sigmoid(z) / self.c, 0.0, 1.0)

    def weights(self) -> dict[str, float]:
        return {f: round(float(w), 3) for f, w in zip(FEATURES, self.coef, strict=True)}

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"features": list(FEATURES), "mean": self.mean.tolist(),
                                    "scale": self.scale.tolist(), "coef": self.coef.tolist(),
                                    "intercept": self.intercept, "c": self.c, "n_train": self.n_train,
                                    "n_labelled": self.n_labelled}, indent=1))

    @staticmethod
    def load(path: Path) -> RingModel:
        d = json.loads(path.read_text())
        if tuple(d["features"]) != FEATURES:
            raise ValueError(f"{path}: ring model features differ from this version's")
        return RingModel(np.array(d["mean"]), np.array(d["scale"]), np.array(d["coef"]), float(d["intercept"]),
                         float(d["c"]), int(d["n_train"]), int(d["n_labelled"]))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def _pair_weights(eg: EvidenceGraph) -> dict[tuple[int, int], float]:
    return {(int(a), int(b)): float(w) for a, b, w in zip(eg.src, eg.dst, eg.weight, strict=True)}


def candidate_features(export: GraphExport, cand: Candidate, evidence: Sequence[EvidenceItem],
                       scores: np.ndarray | None, flags: np.ndarray, pairs: dict[tuple[int, int], float],
                       corroborate: int = 2) -> np.ndarray:
    """float [n_features] for one candidate (members already trimmed); see FEATURES."""
    m = cand.members
    ids = export.nodes["account"].ids
    k = len(m)
    named: dict[str, set[str]] = {kind: set() for kind in TIE_KINDS}
    per_member: dict[str, set[str]] = {}
    for e in evidence:
        if e.kind in named:
            named[e.kind].update(e.accounts)
            for a in e.accounts:
                per_member.setdefault(a, set()).add(e.kind)
    member_ids = [ids[i] for i in m.tolist()]
    tied = [len(named[kind] & set(member_ids)) / k for kind in TIE_KINDS]
    multi = sum(len(per_member.get(a, ())) >= 2 for a in member_ids) / k
    inside = sorted(m.tolist())
    total = sum(pairs.get((a, b), 0.0) for i, a in enumerate(inside) for b in inside[i + 1:])
    density = total / max(1, k * (k - 1) / 2)
    unlabelled = export.account_labels[m] < 0
    model = float(scores[m[unlabelled]].mean()) if scores is not None and unlabelled.any() else 0.0
    amount = feature_column(export, "account", "amount_mean")[m]
    spent = amount[amount > 0]
    agree = float(np.exp(-np.std(np.log(spent)) / 0.1)) if len(spent) >= 3 else 0.0
    complaints = (feature_column(export, "account", "intent_empty_parcel")[m]
                  + feature_column(export, "account", "intent_not_received")[m]) > 0
    return np.array([
        np.log1p(k), *tied, sum(t > 0 for t in tied) / len(TIE_KINDS), multi,
        specific_share(m, evidence, ids, corroborate), float(cand.source == "loop"), float(cand.source == "star"),
        min(1.0, density), float(flags[m].mean()), model,
        float(feature_column(export, "account", "coupon_frac")[m].mean()),
        float(feature_column(export, "account", "return_rate")[m].mean()),
        float(np.log1p(feature_column(export, "account", "age_days")[m]).mean()),
        float(feature_column(export, "account", "max_fraud_match")[m].mean()),
        agree, float(complaints.mean())], dtype=np.float64)


def weak_label(export: GraphExport, members: np.ndarray) -> int:
    """1 when a member is labelled fraud and fraud labels outnumber legit ones, else 0 (unlabelled)."""
    lab = export.account_labels[members]
    return int((lab == 1).sum() > 0 and (lab == 1).sum() >= (lab == 0).sum())


def _logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    """Weighted L2 logistic regression by Newton's method; x standardised [n, d]."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    beta = np.zeros(xb.shape[1])
    reg = np.full(xb.shape[1], l2)
    reg[-1] = 0.0
    for _ in range(50):
        p = _sigmoid(xb @ beta)
        grad = xb.T @ (w * (p - y)) + reg * beta
        hess = (xb * (w * p * (1 - p))[:, None]).T @ xb + np.diag(reg) + 1e-9 * np.eye(xb.shape[1])
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta[:-1], float(beta[-1])


def fit_ring_model(x: np.ndarray, labelled: np.ndarray, groups: np.ndarray, l2: float = 1.0) -> RingModel:
    """PU fit on candidate rows x [n, d] with `labelled` 0/1 [n]; `groups` [n] (world/night) for held-out c.

    Labelled and unlabelled rows weigh half each (the classes are very unequal in count). c is
    the mean g(x) of labelled rows predicted by a model fitted without their group.
    """
    y = labelled.astype(np.float64)
    if y.sum() == 0 or y.sum() == len(y):
        raise ValueError("ring model needs labelled and unlabelled candidates")
    w = np.where(y == 1, 0.5 / y.sum(), 0.5 / (len(y) - y.sum())) * len(y)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    xs = (x - mean) / scale
    coef, b = _logistic(xs, y, w, l2)
    held: list[float] = []
    for g in np.unique(groups):
        out = groups == g
        if y[~out].sum() == 0 or y[~out].sum() == (~out).sum() or y[out].sum() == 0:
            continue
        cg, bg = _logistic(xs[~out], y[~out], w[~out], l2)
        held += _sigmoid(xs[out & (y == 1)] @ cg + bg).tolist()
    c = float(np.mean(held)) if held else float(_sigmoid(xs[y == 1] @ coef + b).mean())
    return RingModel(mean, scale, coef, b, max(c, 1e-3), len(y), int(y.sum()))


def featurize(export: GraphExport, candidates: Sequence[Candidate], scores: np.ndarray | None,
              index: EvidenceIndex, flags: np.ndarray, eg: EvidenceGraph,
              corroborate: int = 2) -> tuple[np.ndarray, list[list[EvidenceItem]]]:
    """Feature rows [n_candidates, n_features] and each candidate's evidence items."""
    pairs = _pair_weights(eg)
    rows, evidence = [], []
    for cand in candidates:
        ev = index.items(cand.members)
        rows.append(candidate_features(export, cand, ev, scores, flags, pairs, corroborate))
        evidence.append(ev)
    return (np.vstack(rows) if rows else np.zeros((0, len(FEATURES)))), evidence


def learned_rings(export: GraphExport, candidates: Sequence[Candidate], scores: np.ndarray | None,
                  index: EvidenceIndex, flags: np.ndarray, eg: EvidenceGraph, model: RingModel,
                  config: RingConfig, build_id: str, detected_at: str) -> list[RingRecord]:
    """Rings = candidates whose learned P(ring) >= `config.threshold`, typed and de-duplicated as in rings.py.

    Community members are trimmed as for the hand-set score (`rings.keep_members`), before the
    features are taken. No "ring-specific tie" rule: the model weighs that evidence itself.
    """
    ids = export.nodes["account"].ids
    kept: list[Candidate] = []
    for cand in candidates:
        members = cand.members
        if scores is not None and cand.source == "community":
            members = members[keep_members(members, scores, flags, index, config.member_floor)]
        if config.min_size <= len(members) <= config.max_size:
            kept.append(Candidate(members, cand.source, cand.loop))
    x, evidence = featurize(export, kept, scores, index, flags, eg, config.corroborate)
    p = model.probability(x) if len(kept) else np.zeros(0)
    rings: list[tuple[float, bool, RingRecord]] = []
    for cand, ev, score in zip(kept, evidence, p.tolist(), strict=True):
        if score < config.threshold:
            continue
        if cand.loop is not None:
            ev = loop_evidence(cand.loop, ids) + ev
        kind = ring_kind(cand, ev, export)
        roles = ring_roles(kind, ev)
        member_ids = [ids[i] for i in cand.members.tolist()]
        ring_members = tuple(RingMember(a, float(scores[i]) if scores is not None else 0.0, roles.get(a, "member"))
                             for a, i in zip(member_ids, cand.members.tolist(), strict=True))
        rings.append((score, cand.source == "loop", RingRecord(ring_id_for(member_ids, build_id), kind,
                                                               round(score, 6), ring_members,
                                                               tuple(ev[:config.max_evidence]), detected_at)))
    return dedupe(rings)
