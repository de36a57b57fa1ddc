"""Parameterized queries for analysts: the notebooks and the CLI read the graph only through these."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from graph.schema import EVIDENCE_RELS, NODE_KEYS, REL_TYPES
from graph.store import Store


@dataclass(frozen=True)
class GraphNode:
    uid: str  # "Label:key", unique across labels
    label: str
    key: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GraphEdge:
    src: str  # GraphNode.uid
    dst: str
    type: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Subgraph:
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]


@dataclass(frozen=True)
class RingSummary:
    ring_id: str
    kind: str
    score: float
    size: int
    build_id: str
    model_version: str
    detected_at: str


@dataclass(frozen=True)
class RingView:
    ring: RingSummary
    members: tuple[tuple[str, float, str], ...]  # (account_id, score, role), best first
    evidence: tuple[dict[str, Any], ...]  # graph.records.EvidenceItem fields
    subgraph: Subgraph


def _key_expr(var: str) -> str:
    """Cypher for the key of node `var` whatever its label (labels and keys are our constants)."""
    whens = " ".join(f"WHEN '{label}' THEN {var}.{key}" for label, key in NODE_KEYS.items())
    return f"CASE head(labels({var})) {whens} END"


def _subgraph(rows: list[dict[str, Any]]) -> Subgraph:
    nodes: dict[str, GraphNode] = {}
    edges: dict[tuple[str, str, str], GraphEdge] = {}
    for r in rows:
        for n in r["nodes"]:
            uid = f"{n['label']}:{n['key']}"
            nodes.setdefault(uid, GraphNode(uid, n["label"], str(n["key"]), dict(n["props"])))
        for e in r["edges"]:
            src, dst = f"{e['sl']}:{e['sk']}", f"{e['dl']}:{e['dk']}"
            edges.setdefault((src, dst, e["type"]), GraphEdge(src, dst, e["type"], dict(e["props"])))
    return Subgraph(tuple(nodes.values()), tuple(edges.values()))


_PATH_PROJECTION = f"""
RETURN [n IN nodes(p) | {{label: head(labels(n)), key: {_key_expr('n')}, props: properties(n)}}] AS nodes,
       [r IN relationships(p) | {{type: type(r), props: properties(r),
            sl: head(labels(startNode(r))), sk: {_key_expr('startNode(r)')},
            dl: head(labels(endNode(r))), dk: {_key_expr('endNode(r)')}}}] AS edges
"""


def top_rings(store: Store, build_id: str | None = None, limit: int = 20) -> list[RingSummary]:
    """Rings of one build (default: the latest build that has rings), best score first."""
    rows = store.read("""
        MATCH (g:Ring)
        WITH g, coalesce($build_id, head(COLLECT { MATCH (x:Ring) RETURN x.build_id ORDER BY x.build_id DESC })) AS b
        WHERE g.build_id = b
        RETURN g.ring_id AS ring_id, g.kind AS kind, g.score AS score, g.size AS size, g.build_id AS build_id,
               g.model_version AS model_version, g.detected_at AS detected_at
        ORDER BY g.score DESC, g.ring_id LIMIT $limit""", {"build_id": build_id, "limit": limit})
    return [RingSummary(**r) for r in rows]


def ring_view(store: Store, ring_id: str) -> RingView | None:
    """A ring, its members and the evidence subgraph: members plus every device, IP, address and
    phone that at least two members share."""
    head = store.read("""
        MATCH (g:Ring {ring_id: $ring_id})
        OPTIONAL MATCH (g)-[h:HAS_MEMBER]->(a:Account)
        RETURN g.ring_id AS ring_id, g.kind AS kind, g.score AS score, g.size AS size, g.build_id AS build_id,
               g.model_version AS model_version, g.detected_at AS detected_at, g.evidence_json AS evidence_json,
               collect([a.account_id, h.score, h.role]) AS members""", {"ring_id": ring_id})
    if not head or head[0]["ring_id"] is None:
        return None
    h = head[0]
    members = sorted(((m[0], float(m[1] or 0.0), m[2] or "") for m in h.pop("members") if m[0] is not None),
                     key=lambda m: (-m[1], m[0]))
    evidence = tuple(json.loads(h.pop("evidence_json") or "[]"))
    rows = store.read(f"""
        MATCH (g:Ring {{ring_id: $ring_id}})-[:HAS_MEMBER]->(a:Account)
        MATCH p = (a)-[:USES_DEVICE|USES_IP|HAS_PHONE|BEHAVES_LIKE|BUYS_FROM]-(x)
        WHERE NOT x:Account OR (x)<-[:HAS_MEMBER]-(g)
        WITH g, x, collect(p) AS ps
        WHERE x:Account OR size(ps) >= 2
        UNWIND ps AS p
        {_PATH_PROJECTION}""", {"ring_id": ring_id})
    addr_rows = store.read(f"""
        MATCH (g:Ring {{ring_id: $ring_id}})-[:HAS_MEMBER]->(a:Account)
        MATCH p = (a)-[:PLACED|REQUESTED]->()-[:SHIPS_TO|HAS_PARCEL]->()-[:LABEL_ADDRESS*0..1]->(x:Address)
        WITH x, collect(p) AS ps, count(DISTINCT a) AS members WHERE members >= 2
        UNWIND ps AS p
        {_PATH_PROJECTION}""", {"ring_id": ring_id})
    return RingView(RingSummary(**h), tuple(members), evidence, _subgraph(rows + addr_rows))


def account_neighbourhood(store: Store, account_id: str, limit: int = 300) -> Subgraph:
    """The account's evidence within two hops (account → entity → other account), capped at `limit` paths."""
    rows = store.read(f"""
        MATCH p = (a:Account {{account_id: $account_id}})-[*1..2]-(x)
        WHERE all(r IN relationships(p) WHERE type(r) IN $rels)
        WITH p LIMIT $limit
        {_PATH_PROJECTION}""", {"account_id": account_id, "rels": list(EVIDENCE_RELS), "limit": limit})
    return _subgraph(rows)


def shortest_evidence_path(store: Store, a: str, b: str, max_hops: int = 8) -> Subgraph | None:
    """The shortest chain of evidence between two accounts, or None if none within `max_hops`."""
    rows = store.read(f"""
        MATCH (x:Account {{account_id: $a}}), (y:Account {{account_id: $b}})
        MATCH p = shortestPath((x)-[*..{int(max_hops)}]-(y))
        WHERE all(r IN relationships(p) WHERE type(r) IN $rels)
        {_PATH_PROJECTION}""", {"a": a, "b": b, "rels": list(EVIDENCE_RELS)})
    return _subgraph(rows) if rows else None


def paths_to_flagged(store: Store, account_id: str, max_hops: int = 6, limit: int = 5) -> list[Subgraph]:
    """Shortest evidence paths from an account to ring members (flagged accounts), nearest first."""
    rows = store.read(f"""
        MATCH (x:Account {{account_id: $a}})
        MATCH (:Ring)-[:HAS_MEMBER]->(y:Account) WHERE y <> x
        WITH DISTINCT x, y
        MATCH p = shortestPath((x)-[*..{int(max_hops)}]-(y))
        WHERE all(r IN relationships(p) WHERE type(r) IN $rels)
        WITH p ORDER BY length(p) LIMIT $limit
        {_PATH_PROJECTION}""", {"a": account_id, "rels": list(EVIDENCE_RELS), "limit": limit})
    return [_subgraph([r]) for r in rows]


def counts(store: Store) -> tuple[dict[str, int], dict[str, int]]:
    """Node counts per label and relationship counts per type (for `riskgraph graph stats`).

    One query per label/type so Neo4j answers from its count store; names are our constants.
    """
    labels = {label: int(store.read(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"]) for label in NODE_KEYS}
    rels = {t: int(store.read(f"MATCH ()-[r:{t}]->() RETURN count(r) AS n")[0]["n"]) for t in REL_TYPES}
    return labels, rels


# --- evidence per modality and per account (the notebooks' second layer) ---------------------------


@dataclass(frozen=True)
class CallView:
    call_id: str
    account_id: str
    started_at: str
    language: str
    text: str
    intents: tuple[str, ...]
    keywords: tuple[str, ...]
    confidence: float | None  # exp(avg_logprob) of the transcript
    mentions: tuple[tuple[str, str, str], ...]  # (kind, value, text as spoken): phones and orders


@dataclass(frozen=True)
class ParcelView:
    parcel_id: str
    account_id: str
    photo: str  # path relative to the raw day folder
    label_box: tuple[float, float, float, float] | None  # x0, y0, x1, y1 in photo pixels (vision/)
    ocr_text: str  # OCR lines joined by newlines ("" before vision/ ran)
    ocr_confidence: float | None
    label_address: str  # the address as read from the label ("" if none)
    address_fraud_listed: bool


@dataclass(frozen=True)
class SharedThing:
    """Something an account shares with other accounts: the 'why' behind a link."""

    label: str  # Device | IP | Phone | Address
    key: str
    relation: str  # how the account reaches it (USES_DEVICE, SHIPS_TO, LABEL_ADDRESS ...)
    n_accounts: int  # distinct accounts reaching it the same way, the account included
    fraud_listed: bool


@dataclass(frozen=True)
class AccountView:
    account_id: str
    score: float | None  # latest GNN score in [0, 1]
    model_version: str
    build_id: str
    label: str  # reference label (fraud | legit | "")
    created_at: str
    rings: tuple[tuple[str, str, float, float, str], ...]  # (ring_id, kind, ring score, member score, role)
    relations: dict[str, int]  # relationship type -> count around the account


def ring_calls(store: Store, ring_id: str, limit: int = 50) -> list[CallView]:
    """Transcribed calls made by a ring's members (or from their phones), oldest first."""
    rows = store.read("""
        MATCH (:Ring {ring_id: $ring_id})-[:HAS_MEMBER]->(a:Account)
        MATCH (a)-[:MADE_CALL]->(c:Call)
        WITH DISTINCT a, c
        OPTIONAL MATCH (c)-[m:MENTIONS]->(x) WHERE m.kind IN ['phone', 'order']
        WITH a, c, collect([m.kind, coalesce(x.e164, x.order_id), coalesce(m.text, '')]) AS mentions
        RETURN a.account_id AS account_id, c.call_id AS call_id, coalesce(c.started_at, '') AS started_at,
               coalesce(c.language, '') AS language, coalesce(c.text, '') AS text,
               coalesce(c.intents, []) AS intents, coalesce(c.keywords, []) AS keywords,
               c.confidence AS confidence, mentions
        ORDER BY started_at, call_id LIMIT $limit""", {"ring_id": ring_id, "limit": limit})
    return [CallView(r["call_id"], r["account_id"], str(r["started_at"]), r["language"], r["text"],
                     tuple(r["intents"]), tuple(r["keywords"]), r["confidence"],
                     tuple((m[0], str(m[1]), m[2]) for m in r["mentions"] if m[0] is not None)) for r in rows]


def ring_parcels(store: Store, ring_id: str, limit: int = 50) -> list[ParcelView]:
    """Returned parcels of a ring's members with their photo, label box and OCR read (if any)."""
    rows = store.read("""
        MATCH (:Ring {ring_id: $ring_id})-[:HAS_MEMBER]->(a:Account)-[:REQUESTED]->(:Return)-[:HAS_PARCEL]->(p:Parcel)
        OPTIONAL MATCH (p)-[l:LABEL_ADDRESS]->(ad:Address)
        RETURN p.parcel_id AS parcel_id, a.account_id AS account_id, coalesce(p.photo, '') AS photo,
               p.label_box AS label_box, coalesce(p.ocr_text, '') AS ocr_text, p.ocr_confidence AS ocr_confidence,
               coalesce(l.raw, '') AS label_address, coalesce(ad.fraud_listed, false) AS fraud_listed
        ORDER BY (p.label_box IS NULL), parcel_id LIMIT $limit""", {"ring_id": ring_id, "limit": limit})
    return [ParcelView(r["parcel_id"], r["account_id"], r["photo"],
                       tuple(float(v) for v in r["label_box"]) if r["label_box"] else None,  # type: ignore[arg-type]
                       r["ocr_text"], r["ocr_confidence"], r["label_address"], bool(r["fraud_listed"]))
            for r in rows]


def account_view(store: Store, account_id: str) -> AccountView | None:
    """An account's score, reference label, rings and relationship counts; None if unknown."""
    rows = store.read("""
        MATCH (a:Account {account_id: $account_id})
        CALL (a) { OPTIONAL MATCH (g:Ring)-[h:HAS_MEMBER]->(a)
                   RETURN collect([g.ring_id, g.kind, g.score, h.score, h.role]) AS rings }
        CALL (a) { MATCH (a)-[r]-() RETURN type(r) AS t, count(r) AS n }
        RETURN a.score AS score, coalesce(a.score_model_version, '') AS model_version,
               coalesce(a.score_build_id, '') AS build_id, coalesce(a.label, '') AS label,
               toString(a.created_at) AS created_at, rings, collect([t, n]) AS relations""",
                      {"account_id": account_id})
    if not rows:
        return None
    r = rows[0]
    rings = sorted(((g[0], g[1] or "", float(g[2] or 0), float(g[3] or 0), g[4] or "") for g in r["rings"]
                    if g[0] is not None), key=lambda g: -g[2])
    return AccountView(account_id, r["score"], r["model_version"], r["build_id"], r["label"], r["created_at"] or "",
                       tuple(rings), {t: int(n) for t, n in r["relations"] if t != "HAS_MEMBER"})


def shared_things(store: Store, account_id: str, limit: int = 20) -> list[SharedThing]:
    """Devices, IPs, phones and addresses the account shares with at least one other account,
    most widely shared first (a thing shared by hundreds is a hub: a NAT, a locker, not a ring)."""
    rows = store.read("""
        MATCH (a:Account {account_id: $account_id})
        CALL (a) {
          MATCH (a)-[r:USES_DEVICE|USES_IP|HAS_PHONE]->(x) RETURN x, type(r) AS rel
          UNION
          MATCH (a)-[:PLACED]->(:Order)-[r:SHIPS_TO|CONTACT_PHONE]->(x) RETURN x, type(r) AS rel
          UNION
          MATCH (a)-[:REQUESTED]->(:Return)-[:HAS_PARCEL]->(:Parcel)-[r:LABEL_ADDRESS|LABEL_PHONE]->(x)
          RETURN x, type(r) AS rel
        }
        CALL (x) {
          MATCH (o:Account) WHERE (o)-[:USES_DEVICE|USES_IP|HAS_PHONE]->(x)
             OR (o)-[:PLACED]->(:Order)-[:SHIPS_TO|CONTACT_PHONE]->(x)
             OR (o)-[:REQUESTED]->(:Return)-[:HAS_PARCEL]->(:Parcel)-[:LABEL_ADDRESS|LABEL_PHONE]->(x)
          RETURN count(DISTINCT o) AS n
        }
        WITH x, rel, n WHERE n >= 2
        RETURN head(labels(x)) AS label, coalesce(x.device_id, x.ip, x.e164, x.key) AS key, rel, n,
               coalesce(x.fraud_listed, false) AS fraud_listed
        ORDER BY n DESC, key LIMIT $limit""", {"account_id": account_id, "limit": limit})
    return [SharedThing(r["label"], str(r["key"]), r["rel"], int(r["n"]), bool(r["fraud_listed"])) for r in rows]


def account_scores(store: Store) -> list[tuple[str, float, str]]:
    """(account_id, latest score, reference label or "") for every scored account."""
    rows = store.read("""
        MATCH (a:Account) WHERE a.score IS NOT NULL
        RETURN a.account_id AS account_id, a.score AS score, coalesce(a.label, '') AS label
        ORDER BY account_id""")
    return [(r["account_id"], float(r["score"]), r["label"]) for r in rows]


def ring_members(store: Store, build_id: str | None = None) -> dict[str, tuple[str, tuple[str, ...]]]:
    """ring_id -> (kind, member ids) for every ring of a build (default: the latest with rings)."""
    rows = store.read("""
        MATCH (g:Ring)
        WITH g, coalesce($build_id, head(COLLECT { MATCH (x:Ring) RETURN x.build_id ORDER BY x.build_id DESC })) AS b
        WHERE g.build_id = b
        MATCH (g)-[:HAS_MEMBER]->(a:Account)
        WITH g, collect(a.account_id) AS members ORDER BY g.score DESC, g.ring_id
        RETURN g.ring_id AS ring_id, g.kind AS kind, members""", {"build_id": build_id})
    return {r["ring_id"]: (r["kind"], tuple(sorted(r["members"]))) for r in rows}
