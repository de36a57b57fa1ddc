"""Ring candidates -> scored, typed RingRecords with the evidence that tied their members.

A ring's score mixes three shares in [0, 1]:
- members: the mean member score (from the GNN; absent for the structure-only baseline);
- specific: the share of members tied to another member by ring-specific evidence (co-timed
  coupon claims, scripted behaviour, a shared call phone, an OCR'd or fraud-listed drop address;
  1 for a closed order loop). Generic sharing (device, IP, address) does not count: a family
  shows exactly that;
- anomaly: the share of members acting like ring members (gnn/anomaly.py: mostly returns,
  mostly coupons, registered days ago, emulator, empty-parcel calls; 1 for a closed loop).
Minus `legit_penalty` times the share of members a risk team labelled legitimate. A family of
four with ordinary behaviour scores at most `weight_members`, below the threshold whatever the
GNN says. And a community must show at least one ring-specific tie to be reported at all
(`require_specific`): generic sharing plus odd behaviour is what a household with one heavy
returner and one new account shows too (seed 2's family of four: three members flagged, model
score 0.94, reported as a return-fraud ring before this rule). Return gangs are tied by the drop
addresses OCR'd off their returned parcels and by the phones that call about them, so this rule
needs vision/ and asr/ in the export to find them.
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
    LISTED_ADDRESS,
    SHARED,
    SPECIFIC_KINDS,
    EvidenceConfig,
    RelationInfo,
    coupon_bursts,
    listed_addresses,
    shared_groups,
)
from gnn.loops import Loop, Star
from gnn.modalities import dropped_relation
from graph.export_types import GraphExport
from graph.records import EvidenceItem, MemberRole, RingKind, RingMember, RingRecord, ring_id_for


@dataclass(frozen=True)
class RingConfig:
    min_size: int = 3
    max_size: int = 150  # larger communities are not reported as one ring
    threshold: float = 0.5  # rings scoring below this are dropped
    member_floor: float = 0.2  # community members with a lower account score are trimmed off
    weight_members: float = 0.4  # mean account score (the GNN)
    weight_specific: float = 0.3  # share of members tied to another by ring-specific evidence
    weight_anomaly: float = 0.3  # share of members acting like ring members (gnn/anomaly.py)
    legit_penalty: float = 0.5  # times the share of members labelled legitimate
    corroborate: int = 2  # ring-specific evidence items needed for full credit (one thing can be a hub)
    # A community tied only by generic sharing (device, IP, home address, phone) is a household
    # or flat however its members behave: no ring without a ring-specific tie (see module doc).
    require_specific: bool = True
    max_evidence: int = 60  # evidence items kept per ring (strongest first)
    # one OCR'd drop address alone counts fully from this many accounts, none of whom ships there
    # (specific_share; 0 = never, as before issue 18)
    wide_drop: int = 4
    # A reported community ring takes in an outside account tied to at least `grow_ties` of its
    # members by any evidence (generic sharing too) when the account model scores it at least
    # `grow_score` (0.5: the balanced model's decision boundary); 0 = never (grow_members).
    grow_ties: int = 2
    grow_score: float = 0.5


@dataclass(frozen=True)
class Candidate:
    members: np.ndarray  # int64 account indices
    source: str  # "community" | "loop" | "star" (a shop and its buyers: money one way, gnn/loops.find_stars)
    loop: Loop | None = None
    star: Star | None = None  # a money star of repeated orders (gnn/loops.repeat_stars)


class EvidenceIndex:
    """Per account, the shared things (within the hub limit) it is attached to, for evidence lookup."""

    def __init__(self, export: GraphExport, config: EvidenceConfig, drop: frozenset[str]) -> None:
        self.ids = export.nodes["account"].ids
        self.things: dict[int, list[tuple[str, RelationInfo, str, float]]] = defaultdict(list)  # acc -> (rel, info, id, w)
        self.behaviour: dict[int, list[tuple[int, float]]] = defaultdict(list)
        self.holders: dict[tuple[str, str], list[int]] = defaultdict(list)  # (relation, thing id) -> accounts
        self.delivery: dict[str, set[str]] = defaultdict(set)  # account id -> every address it ships to
        self.shops: dict[str, set[str]] = defaultdict(set)  # account id -> the shops it bought from
        for e in export.edges:
            if e.src_type != "account" or dropped_relation(e.relation, drop):
                continue
            if e.relation == "ships_to":  # all of them, hubs too: a locker is its users' delivery address
                names = export.nodes[e.dst_type].ids
                for a, t in zip(e.src.tolist(), e.dst.tolist(), strict=True):
                    self.delivery[self.ids[a]].add(names[t])
            if e.relation == "buys_from" and e.dst_type == "account":
                for a, t in zip(e.src.tolist(), e.dst.tolist(), strict=True):
                    self.shops[self.ids[a]].add(self.ids[t])
            if e.relation in SHARED or e.relation == "claimed":
                names = export.nodes[e.dst_type].ids
                groups = (shared_groups(e, config.max_hub) if e.relation in SHARED
                          else coupon_bursts(e, config.coupon_window_min, config.max_hub, config.burst_chance))
                conf = self._confidence(e.src, e.dst, e.weight) if e.relation == "label_address" else {}
                listed = listed_addresses(export, config.listed_match) if e.relation == "ships_to" else None
                for thing, accounts in groups:
                    info = SHARED.get(e.relation, COUPON)
                    if listed is not None and listed[thing]:
                        info = LISTED_ADDRESS
                    for a in accounts.tolist():
                        self.things[a].append((e.relation, info, names[thing], conf.get((a, thing), 1.0)))
                        self.holders[(e.relation, names[thing])].append(a)
            elif e.relation == "behaves_like" and e.dst_type == "account":
                ok = e.weight >= config.min_similarity
                for a, b, w in zip(e.src[ok].tolist(), e.dst[ok].tolist(), e.weight[ok].tolist(), strict=True):
                    self.behaviour[a].append((b, w))

    @staticmethod
    def _confidence(src: np.ndarray, dst: np.ndarray, w: np.ndarray) -> dict[tuple[int, int], float]:
        return {(int(a), int(t)): float(c) for a, t, c in zip(src, dst, w, strict=True)}

    def tie_counts(self, members: np.ndarray) -> dict[int, int]:
        """Outside account -> how many of `members` it shares a thing (hub-limited) or a behaviour pair with."""
        inside = set(members.tolist())
        count: dict[int, int] = defaultdict(int)
        for a in inside:
            near = {b for rel, _, thing, _ in self.things.get(a, ()) for b in self.holders[(rel, thing)]}
            near |= {b for b, _ in self.behaviour.get(a, ())}
            for b in near - inside:
                count[b] += 1
        return count

    def items(self, members: np.ndarray) -> list[EvidenceItem]:
        """Evidence tying at least two of `members`, strongest (most members) first."""
        member_set = set(members.tolist())
        by_thing: dict[tuple[str, RelationInfo, str], list[tuple[int, float]]] = defaultdict(list)
        for a in members.tolist():
            for rel, info, thing, conf in self.things.get(a, ()):
                by_thing[(rel, info, thing)].append((a, conf))
        out = []
        for (rel, info, thing), hits in by_thing.items():
            accounts = sorted({self.ids[a] for a, _ in hits})
            if len(accounts) < 2:
                continue
            conf = float(np.mean([c for _, c in hits]))
            detail = "label read from returned parcels (OCR)" if rel == "label_address" else ""
            if rel == "claimed":
                detail = "claims of this coupon within minutes of each other"
            if info is LISTED_ADDRESS:
                detail = "delivery address on the fraud-address list"
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


def specific_share(members: np.ndarray, evidence: Sequence[EvidenceItem], ids: tuple[str, ...],
                   corroborate: int = 2, index: EvidenceIndex | None = None, wide_drop: int = 4) -> float:
    """Share of `members` named by a ring-specific evidence item (see SPECIFIC_KINDS), in [0, 1].

    Scaled by min(1, (items - 1) / (`corroborate` - 1)): a crowd tied by one single thing
    (strangers at a parcel locker that is on the fraud list by mistake) is explained by that
    thing, as a household is by its router; a gang leaves several (bursts, behaviour pairs,
    drop addresses, call phones). One single item counts fully when a device also ties two of
    the accounts it names: strangers at a locker do not share a phone, a
    return gang whose other drop-address labels OCR'd as variants does (seed 2's RING002: one
    drop address read off three members' parcels, two of them on one device). One single OCR'd
    drop address also counts fully when it was read off the parcels of at least `wide_drop` (> 0)
    accounts, is none of their delivery addresses (`index.delivery`: every address each account
    ships to, the hub-limited evidence aside) and they did not all buy from one shop
    (`index.shops`): strangers at a locker ship to the locker whose address their labels show,
    the customers of one shop returning to its address share that shop, a gang's labels name a
    drop none of them ships to (issue 18: a photo-only gang of 9 on clean devices, 6 of them
    returning to one drop, was dropped here; a shop's 5 returners, 3 of them power shoppers,
    were the shop case).
    """
    specific = ring_specific(evidence)
    if not len(members) or not specific:
        return 0.0
    tied = {a for e in specific for a in e.accounts}
    share = sum(ids[i] in tied for i in members.tolist()) / len(members)
    if len(specific) == 1 and (_co_located(specific[0], evidence) or _wide_drop(specific[0], index, wide_drop)):
        return share
    return share * min(1.0, (len(specific) - 1) / max(corroborate - 1, 1))


def ring_specific(evidence: Sequence[EvidenceItem]) -> list[EvidenceItem]:
    """The ring-specific items of `evidence`, less OCR'd label addresses that are a home.

    A family returning parcels to its own flat shows the same address on the labels as in its
    orders (seed 2: two families reported as return gangs by this alone); a return gang's
    labels name a drop that is not where its members ship.
    """
    homes = {e.value for e in evidence if e.kind == "shared_address"}
    return [e for e in evidence if e.kind in SPECIFIC_KINDS and not (e.kind == "drop_address" and e.value in homes)]


def _wide_drop(item: EvidenceItem, index: EvidenceIndex | None, wide_drop: int) -> bool:
    """A drop address on the labels of >= `wide_drop` accounts: none ships there, no shop common to all."""
    if index is None or wide_drop <= 0 or item.kind != "drop_address" or len(item.accounts) < wide_drop:
        return False
    if any(item.value in index.delivery.get(a, ()) for a in item.accounts):
        return False
    return not set.intersection(*(index.shops.get(a, set()) for a in item.accounts))


def _co_located(item: EvidenceItem, evidence: Sequence[EvidenceItem]) -> bool:
    """A shared device ties at least two of the accounts `item` names (an IP may be a NAT or a kiosk)."""
    named = set(item.accounts)
    return any(e.kind == "shared_device" and len(named & set(e.accounts)) >= 2 for e in evidence)


def ring_kind(cand: Candidate, evidence: Sequence[EvidenceItem], export: GraphExport) -> RingKind:
    if cand.source in ("loop", "star"):  # fake orders into shops: brushing, whether they close a cycle or not
        return RingKind.BRUSHING_LOOP
    kinds = {e.kind for e in evidence}
    m = cand.members
    coupon = float("co_timed_coupon" in kinds) + float(feature_column(export, "account", "coupon_frac")[m].mean())
    ret = (float(bool(kinds & {"drop_address", "call_phone"}))
           + float(feature_column(export, "account", "return_rate")[m].mean())
           + 0.5 * float(feature_column(export, "account", "max_fraud_match")[m].mean()))
    if max(coupon, ret) < 0.5:
        return RingKind.UNKNOWN
    return RingKind.COUPON_ABUSE if coupon >= ret else RingKind.RETURN_FRAUD


def ring_roles(kind: RingKind, evidence: Sequence[EvidenceItem]) -> dict[str, str]:
    roles: dict[str, str] = {}
    if kind == RingKind.BRUSHING_LOOP:
        return defaultdict(lambda: MemberRole.LOOP_MEMBER)
    for e in evidence:
        role = {"drop_address": MemberRole.DROP_RECEIVER, "call_phone": MemberRole.CALLER}.get(e.kind)
        if role:
            for a in e.accounts:
                roles.setdefault(a, role)
    return roles


def loop_evidence(loop: Loop, ids: tuple[str, ...]) -> list[EvidenceItem]:
    return [EvidenceItem("orders", "loop_order", f"{ids[a]}->{ids[b]}", (ids[a], ids[b]), 1.0, f"{w:g} orders")
            for a, b, w in sorted(loop.edges, key=lambda x: -x[2])]


def star_evidence(star: Star, ids: tuple[str, ...]) -> list[EvidenceItem]:
    return [EvidenceItem("orders", "repeat_order", f"{ids[b]}->{ids[star.shop]}", (ids[b], ids[star.shop]), 1.0,
                         f"{n:g} orders into one shop")
            for b, n in sorted(star.repeat, key=lambda x: (-x[1], x[0]))]


def score_candidates(export: GraphExport, candidates: Sequence[Candidate], scores: np.ndarray | None,
                     index: EvidenceIndex, config: RingConfig, build_id: str, detected_at: str,
                     flags: np.ndarray | None = None) -> list[RingRecord]:
    """Trim, score, type and de-duplicate candidates; returns rings above threshold, best first.

    `scores`: float [n_accounts] in [0, 1], or None to score rings without an account model
    (then the specific and anomaly weights are rescaled to sum to one). `flags`: bool
    [n_accounts] from `gnn.anomaly.account_flags` (None: no account counts as anomalous).
    """
    ids = export.nodes["account"].ids
    flags = np.zeros(len(ids), dtype=bool) if flags is None else flags
    legit = export.account_labels == 0
    w_m = config.weight_members if scores is not None else 0.0
    norm = w_m + config.weight_specific + config.weight_anomaly
    accepted: list[tuple[float, Candidate, list[EvidenceItem]]] = []
    for cand in candidates:
        members = cand.members
        if scores is not None and cand.source == "community":
            members = members[keep_members(members, scores, flags, index, config.member_floor)]
        if not config.min_size <= len(members) <= config.max_size:
            continue
        cand = Candidate(members, cand.source, cand.loop, cand.star)
        evidence = index.items(members)
        if cand.loop is not None:
            evidence = loop_evidence(cand.loop, ids) + evidence
        if cand.star is not None:
            evidence = star_evidence(cand.star, ids) + evidence
        loop = cand.source == "loop"
        # A money star of repeated orders is ring-specific by its shape, as a closed loop is
        # (repeat_stars admits a shop only when several of its buyers came back); its members'
        # behaviour flags still count as they are.
        specific = 1.0 if loop or cand.star is not None else specific_share(members, evidence, ids,
                                                                          config.corroborate, index,
                                                                          config.wide_drop)
        anomaly = 1.0 if loop else float(flags[members].mean())
        member_score = float(scores[members].mean()) if scores is not None else 0.0
        # The account model may raise a ring, never sink one that ring-specific evidence and
        # behaviour carry alone: with few labels it scores unlabelled ring kinds near 0 (seen on
        # the hard world). Behaviour flags alone (no specific tie) are not proof of collusion.
        evidence_only = ((config.weight_specific * specific + config.weight_anomaly * anomaly) / (norm - w_m)
                         if specific > 0 else 0.0)
        score = max((w_m * member_score + config.weight_specific * specific
                     + config.weight_anomaly * anomaly) / norm, evidence_only)
        score -= config.legit_penalty * float(legit[members].mean())
        if score < config.threshold or (config.require_specific and specific == 0):
            continue
        accepted.append((score, cand, evidence))
    rings: list[tuple[float, bool, RingRecord]] = []
    # growth only takes accounts outside the ring, so "in another reported ring" = in any accepted one
    in_rings = frozenset(int(a) for _, c, _ in accepted for a in c.members.tolist())
    for score, cand, evidence in accepted:
        members = cand.members
        if scores is not None and cand.source == "community":
            grown = grow_members(members, scores, index, config, in_rings)
            if len(grown) > len(members) and len(grown) <= config.max_size:
                members = grown
                cand = Candidate(members, cand.source)
                evidence = index.items(members)
        kind = ring_kind(cand, evidence, export)
        roles = ring_roles(kind, evidence)
        member_ids = [ids[i] for i in members.tolist()]
        ring_members = tuple(RingMember(a, float(scores[i]) if scores is not None else 0.0, roles.get(a, "member"))
                             for a, i in zip(member_ids, members.tolist(), strict=True))
        rec = RingRecord(ring_id_for(member_ids, build_id), kind, round(score, 6), ring_members,
                         tuple(evidence[:config.max_evidence]), detected_at)
        rings.append((score, cand.source == "loop", rec))
    return dedupe(rings)


def keep_members(members: np.ndarray, scores: np.ndarray, flags: np.ndarray, index: EvidenceIndex,
          floor: float) -> np.ndarray:
    """bool mask of community members to keep: scored >= floor, acting ring-like, or specifically tied.

    The account model only learns the kinds of ring its labels show; a gang of a kind nobody
    has labelled yet scores low on it, so the model alone must not trim it away.
    """
    tied = {a for e in index.items(members) if e.kind in SPECIFIC_KINDS for a in e.accounts}
    ids = index.ids
    return np.array([scores[i] >= floor or flags[i] or ids[i] in tied for i in members.tolist()], dtype=bool)


def grow_members(members: np.ndarray, scores: np.ndarray, index: EvidenceIndex, config: RingConfig,
                 exclude: set[int] | frozenset[int] = frozenset()) -> np.ndarray:
    """`members` plus outside accounts tied to >= `config.grow_ties` of them that the model scores >= `grow_score`.

    A tie is a shared thing within the hub limit, of any kind (generic too), or a behaviour pair.
    Why: one day shows a ring in pieces (classic-hard-s42's return gang of 14: a community of
    eight on a drop address, a second of five tied to it by shared devices), and the evidence
    graph's communities cut along the weak generic ties. The piece with a ring-specific tie is
    reported; the account model, taught by the rings evidence found (self-training), says which
    accounts hanging off it look like its members. Two ties by default: with one, two return
    gangs sharing an IP merged (classic-default-s41). One step only: walking on from the accounts
    taken in reached the 37-account loop's members (scored ~1, being pseudo-labelled fraud) and
    swallowed a return gang into it. Accounts in `exclude` (members of the rings reported, which
    the model scores high as well) are not taken: a coupon gang grew to 43 through the members of
    neighbouring rings. A household on a router with members stays out unless the model scores it
    as fraud.
    """
    if config.grow_ties <= 0:
        return members
    extra = [b for b, k in index.tie_counts(members).items()
             if k >= config.grow_ties and scores[b] >= config.grow_score and b not in exclude]
    return np.unique(np.r_[members, np.asarray(extra, dtype=np.int64)]) if extra else members


def dedupe(rings: list[tuple[float, bool, RingRecord]]) -> list[RingRecord]:
    """Keep the best of rings that overlap with Jaccard >= 0.5 (an order loop wins over a community)."""
    kept: list[RingRecord] = []
    kept_sets: list[set[str]] = []
    for _, _, rec in sorted(rings, key=lambda r: (not r[1], -r[0], r[2].ring_id)):
        s = {m.account_id for m in rec.members}
        if all(len(s & k) / len(s | k) < 0.5 for k in kept_sets):
            kept.append(rec)
            kept_sets.append(s)
    return sorted(kept, key=lambda r: (-r.score, r.ring_id))
