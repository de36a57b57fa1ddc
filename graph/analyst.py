"""Parameterized queries for analysts: the notebooks and the CLI read the graph only through these."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from graph.schema import EVIDENCE_RELS, NODE_KEYS, REL_TYPES
from graph.store import GraphStore


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


def top_rings(store: GraphStore, build_id: str | None = None, limit: int = 20) -> list[RingSummary]:
    """Rings of one build (default: the latest build that has rings), best score first."""
    rows = store.read("""
        MATCH (g:Ring)
        WITH g, coalesce($build_id, head(COLLECT { MATCH (x:Ring) RETURN x.build_id ORDER BY x.build_id DESC })) AS b
        WHERE g.build_id = b
        RETURN g.ring_id AS ring_id, g.kind AS kind, g.score AS score, g.size AS size, g.build_id AS build_id,
               g.model_version AS model_version, g.detected_at AS detected_at
        ORDER BY g.score DESC, g.ring_id LIMIT $limit""", {"build_id": build_id, "limit": limit})
    return [RingSummary(**r) for r in rows]


def ring_view(store: GraphStore, ring_id: str) -> RingView | None:
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


def account_neighbourhood(store: GraphStore, account_id: str, limit: int = 300) -> Subgraph:
    """The account's evidence within two hops (account → entity → other account), capped at `limit` paths."""
    rows = store.read(f"""
        MATCH p = (a:Account {{account_id: $account_id}})-[*1..2]-(x)
        WHERE all(r IN relationships(p) WHERE type(r) IN $rels)
        WITH p LIMIT $limit
        {_PATH_PROJECTION}""", {"account_id": account_id, "rels": list(EVIDENCE_RELS), "limit": limit})
    return _subgraph(rows)


def shortest_evidence_path(store: GraphStore, a: str, b: str, max_hops: int = 8) -> Subgraph | None:
    """The shortest chain of evidence between two accounts, or None if none within `max_hops`."""
    rows = store.read(f"""
        MATCH (x:Account {{account_id: $a}}), (y:Account {{account_id: $b}})
        MATCH p = shortestPath((x)-[*..{int(max_hops)}]-(y))
        WHERE all(r IN relationships(p) WHERE type(r) IN $rels)
        {_PATH_PROJECTION}""", {"a": a, "b": b, "rels": list(EVIDENCE_RELS)})
    return _subgraph(rows) if rows else None


def paths_to_flagged(store: GraphStore, account_id: str, max_hops: int = 6, limit: int = 5) -> list[Subgraph]:
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


def counts(store: GraphStore) -> tuple[dict[str, int], dict[str, int]]:
    """Node counts per label and relationship counts per type (for `riskgraph graph stats`).

    One query per label/type so Neo4j answers from its count store; names are our constants.
    """
    labels = {label: int(store.read(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"]) for label in NODE_KEYS}
    rels = {t: int(store.read(f"MATCH ()-[r:{t}]->() RETURN count(r) AS n")[0]["n"]) for t in REL_TYPES}
    return labels, rels
