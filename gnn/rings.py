"""Ring candidates -> scored, typed RingRecords with the evidence that tied their members.

A ring's score mixes three things in [0, 1]: the mean member score (from the GNN, or absent for
the structure-only baseline), how tightly the members are tied (share of member pairs linked in
the evidence graph; 1 for a closed order loop), and the diversity of evidence modalities (a
family shares an address and a device; a gang also shares IPs, coupon bursts and behaviour).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gnn.data import feature_column
from gnn.evidence import (
    BEHAVIOUR,
    COUPON,
    SHARED,
    EvidenceConfig,
    EvidenceGraph,
    coupon_bursts,
    shared_groups,
)
from gnn.loops import Loop
from gnn.modalities import dropped_relation
from graph.export_types import GraphExport
from graph.records import EvidenceItem, RingMember, RingRecord, ring_id_for


@dataclass(frozen=True)
class RingConfig:
    min_size: int = 3
    max_size: int = 150  # larger communities are not reported as one ring
    threshold: float = 0.5  # rings scoring below this are dropped
    member_floor: float = 0.2  # community members with a lower account score are trimmed off
    weight_members: float = 0.6
    weight_structure: float = 0.2
    weight_diversity: float = 0.2
    diversity_full: int = 4  # this many distinct evidence modalities count as full diversity
    max_evidence: int = 60  # evidence items kept per ring (strongest first)


@dataclass(frozen=True)
class Candidate:
    members: np.ndarray  # int64 account indices
    source: str  # "community" | "loop"
    loop: Loop | None = None


class EvidenceIndex:
    """Per account, the shared things (within the hub limit) it is attached to, for evidence lookup."""

    def __init__(self, export: GraphExport, config: EvidenceConfig, drop: frozenset[str]) -> None:
        self.ids = export.nodes["account"].ids
        self.things: dict[int, list[tuple[str, str, str, float]]] = defaultdict(list)  # acc -> (rel, type, id, w)
        self.behaviour: dict[int, list[tuple[int, float]]] = defaultdict(list)
        for e in export.edges:
            if e.src_type != "account" or dropped_relation(e.relation, drop):
                continue
            if e.relation in SHARED or e.relation == "claimed":
                names = export.nodes[e.dst_type].ids
                groups = (shared_groups(e, config.max_hub) if e.relation in SHARED
                          else coupon_bursts(e, config.coupon_window_min, config.max_hub))
                conf = self._confidence(e.src, e.dst, e.weight) if e.relation == "label_address" else {}
                for thing, accounts in groups:
                    for a in accounts.tolist():
                        self.things[a].append((e.relation, e.dst_type, names[thing], conf.get((a, thing), 1.0)))
            elif e.relation == "behaves_like" and e.dst_type == "account":
                ok = e.weight >= config.min_similarity
                for a, b, w in zip(e.src[ok].tolist(), e.dst[ok].tolist(), e.weight[ok].tolist(), strict=True):
                    self.behaviour[a].append((b, w))

    @staticmethod
    def _confidence(src: np.ndarray, dst: np.ndarray, w: np.ndarray) -> dict[tuple[int, int], float]:
        return {(int(a), int(t)): float(c) for a, t, c in zip(src, dst, w, strict=True)}

    def items(self, members: np.ndarray) -> list[EvidenceItem]:
        """Evidence tying at least two of `members`, strongest (most members) first."""
        member_set = set(members.tolist())
        by_thing: dict[tuple[str, str, str], list[tuple[int, float]]] = defaultdict(list)
        for a in members.tolist():
            for rel, typ, thing, conf in self.things.get(a, ()):
                by_thing[(rel, typ, thing)].append((a, conf))
        out = []
        for (rel, _typ, thing), hits in by_thing.items():
            accounts = sorted({self.ids[a] for a, _ in hits})
            if len(accounts) < 2:
                continue
            info = SHARED.get(rel, COUPON)
            conf = float(np.mean([c for _, c in hits]))
            detail = "label read from returned parcels (OCR)" if rel == "label_address" else ""
            if rel == "claimed":
                detail = "claims of this coupon within minutes of each other"
            out.append(EvidenceItem(info.modality, info.kind, thing, tuple(accounts), round(conf, 4), detail))
        seen = set()
        for a in members.tolist():
            for b, w in self.behaviour.get(a, ()):
                if b in member_set and (min(a, b), max(a, b)) not in seen:
                    seen.add((min(a, b), max(a, b)))
                    pair = tuple(sorted((self.ids[a], self.ids[b])))
                    out.append(EvidenceItem(BEHAVIOUR.modality, BEHAVIOUR.kind, "~".join(pair), pair, round(w, 4)))
        out.sort(key=lambda e: (-len(e.accounts), -e.confidence, e.kind, e.value))
        return out


def structure(members: np.ndarray, eg: EvidenceGraph) -> float:
    """Share of member pairs linked in the evidence graph (density), in [0, 1]."""
    k = len(members)
    inside = np.isin(eg.src, members) & np.isin(eg.dst, members)
    return float(min(1.0, inside.sum() / (k * (k - 1) / 2))) if k > 1 else 0.0


def ring_kind(cand: Candidate, evidence: Sequence[EvidenceItem], export: GraphExport) -> str:
    if cand.source == "loop":
        return "brushing_loop"
    kinds = {e.kind for e in evidence}
    m = cand.members
    coupon = float("co_timed_coupon" in kinds) + float(feature_column(export, "account", "coupon_frac")[m].mean())
    ret = (float(bool(kinds & {"drop_address", "call_phone"}))
           + float(feature_column(export, "account", "return_rate")[m].mean())
           + 0.5 * float(feature_column(export, "account", "max_fraud_match")[m].mean()))
    if max(coupon, ret) < 0.5:
        return "unknown"
    return "coupon_abuse" if coupon >= ret else "return_fraud"


def _roles(kind: str, evidence: Sequence[EvidenceItem]) -> dict[str, str]:
    roles: dict[str, str] = {}
    if kind == "brushing_loop":
        return defaultdict(lambda: "loop_member")
    for e in evidence:
        role = {"drop_address": "drop_receiver", "call_phone": "caller"}.get(e.kind)
        if role:
            for a in e.accounts:
                roles.setdefault(a, role)
    return roles


def _loop_evidence(loop: Loop, ids: tuple[str, ...]) -> list[EvidenceItem]:
    return [EvidenceItem("orders", "loop_order", f"{ids[a]}->{ids[b]}", (ids[a], ids[b]), 1.0, f"{w:g} orders")
            for a, b, w in sorted(loop.edges, key=lambda x: -x[2])]


def score_candidates(export: GraphExport, candidates: Sequence[Candidate], scores: np.ndarray | None,
                     eg: EvidenceGraph, index: EvidenceIndex, config: RingConfig, build_id: str,
                     detected_at: str) -> list[RingRecord]:
    """Trim, score, type and de-duplicate candidates; returns rings above threshold, best first.

    `scores`: float [n_accounts] in [0, 1], or None to score rings on structure alone (then the
    structure and diversity weights are rescaled to sum to one).
    """
    ids = export.nodes["account"].ids
    w_m = config.weight_members if scores is not None else 0.0
    norm = w_m + config.weight_structure + config.weight_diversity
    rings: list[tuple[float, bool, RingRecord]] = []
    for cand in candidates:
        members = cand.members
        if scores is not None and cand.source == "community":
            members = members[scores[members] >= config.member_floor]
        if not config.min_size <= len(members) <= config.max_size:
            continue
        cand = Candidate(members, cand.source, cand.loop)
        evidence = index.items(members)
        if cand.loop is not None:
            evidence = _loop_evidence(cand.loop, ids) + evidence
        tight = 1.0 if cand.source == "loop" else structure(members, eg)
        diversity = min(1.0, len({e.modality for e in evidence}) / config.diversity_full)
        member_score = float(scores[members].mean()) if scores is not None else 0.0
        score = (w_m * member_score + config.weight_structure * tight + config.weight_diversity * diversity) / norm
        if score < config.threshold:
            continue
        kind = ring_kind(cand, evidence, export)
        roles = _roles(kind, evidence)
        member_ids = [ids[i] for i in members.tolist()]
        ring_members = tuple(RingMember(a, float(scores[i]) if scores is not None else 0.0, roles.get(a, "member"))
                             for a, i in zip(member_ids, members.tolist(), strict=True))
        rec = RingRecord(ring_id_for(member_ids, build_id), kind, round(score, 6), ring_members,
                         tuple(evidence[:config.max_evidence]), detected_at)
        rings.append((score, cand.source == "loop", rec))
    return _dedupe(rings)


def _dedupe(rings: list[tuple[float, bool, RingRecord]]) -> list[RingRecord]:
    """Keep the best of rings that overlap with Jaccard >= 0.5 (an order loop wins over a community)."""
    kept: list[RingRecord] = []
    kept_sets: list[set[str]] = []
    for _, _, rec in sorted(rings, key=lambda r: (not r[1], -r[0], r[2].ring_id)):
        s = {m.account_id for m in rec.members}
        if all(len(s & k) / len(s | k) < 0.5 for k in kept_sets):
            kept.append(rec)
            kept_sets.append(s)
    return sorted(kept, key=lambda r: (-r.score, r.ring_id))
