"""A learned ring score: a candidate's evidence mix -> the probability that it is a ring.

Why: the hand-set score (`gnn/rings.py`) adds fixed weights of evidence shares and asks for a
ring-specific tie; it was shaped on the three ring designs the simulator first had. A ring that
knows the rules spreads its ties over modalities that each look innocent, or keeps one tie only.
Here every candidate becomes a vector of design-agnostic features (`FEATURES`: which kinds of
evidence tie how many members, how dense the ties are, how the members behave, whether their
order amounts agree) and a model learns which mixes are rings.

Labels are weak: a risk team labelled a few accounts fraud, so a candidate's weak label is the
share of its members labelled fraud; rings without a labelled member look like everything else.
That is positive-unlabelled learning (Elkan & Noto, KDD 2008) at the member level: g(x) =
P(a member is labelled fraud | its candidate's x), divided by c = the mean g over labelled
members it was not fitted on, estimates P(ring | x) when labelled fraud accounts are a random
sample of ring members (`fit_ring_model`). The account labels never enter the
features, and the mean account score is taken over unlabelled members only (a labelled member's
score is a training point of the account model). Simulator truth is used only to evaluate.

The classifier g is small LightGBM trees (`RING_TREES`, gnn/trees.py); `weights` gives each
feature's share of the split gain.
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
from gnn.trees import TreeConfig, Trees, fit_trees
from graph.export_types import GraphExport
from graph.records import EvidenceItem, RingMember, RingRecord, ring_id_for

TIE_KINDS = ("shared_device", "shared_ip", "shared_address", "shared_phone", "drop_address", "call_phone",
             "co_timed_coupon", "similar_behaviour", "listed_drop_address")
FEATURES = (
    "log_size", *(f"tied_{k}" for k in TIE_KINDS), "n_tie_kinds", "multi_tied", "specific", "loop", "star",
    "density", "anomaly", "model_score", "coupon_frac", "return_rate", "log_age", "fraud_match",
    "amount_agree", "complaints")


# Weak labels are noisy (a ring labelled or not is chance): few, large leaves so g stays smooth.
RING_TREES = TreeConfig(learning_rate=0.05, num_leaves=4, max_rounds=100, early_stop=0, feature_fraction=0.8,
                        min_leaf=20, objective="cross_entropy")


@dataclass(frozen=True)
class RingModel:
    trees: Trees  # g(x) = P(a member is labelled fraud | x)
    c: float  # mean g over labelled members, held out (Elkan-Noto)
    n_train: int
    n_labelled: int

    def probability(self, x: np.ndarray) -> np.ndarray:
        """float [n]: estimated P(ring) = g(x) / c for feature rows x [n, n_features]."""
        return np.clip(self.trees.predict(x.astype(np.float32)) / self.c, 0.0, 1.0)

    def weights(self) -> dict[str, float]:
        """Share of the trees' split gain per feature (what the score leans on)."""
        gain = self.trees.gain()
        return {f: round(float(g / max(gain.sum(), 1e-12)), 3) for f, g in zip(FEATURES, gain, strict=True)}

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"features": list(FEATURES), "c": self.c, "n_train": self.n_train,
                                    "n_labelled": self.n_labelled, "trees": self.trees.to_string()}))

    @staticmethod
    def load(path: Path) -> RingModel:
        d = json.loads(path.read_text())
        if tuple(d["features"]) != FEATURES:
            raise ValueError(f"{path}: ring model features differ from this version's")
        return RingModel(Trees.from_string(d["trees"]), float(d["c"]), int(d["n_train"]), int(d["n_labelled"]))


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


def weak_label(export: GraphExport, members: np.ndarray) -> float:
    """Share of `members` labelled fraud (the weak label; legit labels only lower it, unknown count as not fraud)."""
    return float((export.account_labels[members] == 1).mean()) if len(members) else 0.0


def fit_ring_model(x: np.ndarray, fraud_share: np.ndarray, size: np.ndarray, groups: np.ndarray,
                   seed: int = 7) -> RingModel:
    """PU fit on candidate rows x [n, d]: `fraud_share` [n] of each candidate's `size` [n] members labelled fraud.

    SCAR holds per member, not per candidate (a big ring more often holds a labelled member), so
    g(x) = P(a member is labelled fraud | its candidate's x) is fitted by cross-entropy on the
    share with the member count as weight, and c = the mean g over labelled members, predicted
    by trees fitted without their group (`groups`: world or night; in-sample g is too high).
    Then P(ring | x) = g(x) / c. Not re-weighted: the identity holds for g fitted on the data as
    it is. Trees, small and with large leaves, because g must be flat over rings whatever their
    evidence mix and near 0 elsewhere, which a linear logit cannot be.
    """
    if not (fraud_share > 0).any():
        raise ValueError("ring model needs candidates with a member labelled fraud")
    xf = x.astype(np.float32)
    w = size.astype(np.float64)
    rows = np.arange(len(fraud_share))
    trees = fit_trees(xf, fraud_share, rows, rows, seed, RING_TREES, w)
    num = den = 0.0
    for g in np.unique(groups):
        out = groups == g
        k = fraud_share[out] * w[out]  # labelled members per held-out candidate
        if k.sum() == 0 or not (fraud_share[~out] > 0).any():
            continue
        part = fit_trees(xf, fraud_share, rows[~out], rows[~out], seed, RING_TREES, w)
        num += float((part.predict(xf[out]) * k).sum())
        den += float(k.sum())
    c = num / den if den else float(np.average(trees.predict(xf), weights=fraud_share * w))
    return RingModel(trees, max(c, 1e-4), len(rows), int((fraud_share > 0).sum()))


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
