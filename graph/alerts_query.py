"""Read the rings of one build back as typed records (the ring-alert export's input)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from graph.records import EvidenceItem, RingKind, RingMember, RingRecord
from graph.store import Store


@dataclass(frozen=True)
class StoredRing:
    """A ring as written by graph.writeback.write_rings, with the run that wrote it."""

    ring: RingRecord
    model_version: str
    build_id: str


def latest_ring_build(store: Store) -> str | None:
    """The newest build that has rings: by its (:Build).date, then build_id; builds explicitly
    marked incomplete are skipped. None if the graph holds no rings."""
    rows = store.read("""
        MATCH (g:Ring)
        WITH DISTINCT g.build_id AS build_id
        OPTIONAL MATCH (b:Build {build_id: build_id})
        WITH build_id, b WHERE b IS NULL OR coalesce(b.complete, true)
        RETURN build_id ORDER BY coalesce(toString(b.date), '') DESC, build_id DESC LIMIT 1""")
    return str(rows[0]["build_id"]) if rows else None


def rings_of_build(store: Store, build_id: str) -> list[StoredRing]:
    """Every ring of `build_id` with its members (best score first) and evidence, by ring score."""
    rows = store.read("""
        MATCH (g:Ring {build_id: $build_id})
        OPTIONAL MATCH (g)-[h:HAS_MEMBER]->(a:Account)
        WITH g, collect({account_id: a.account_id, score: h.score, role: h.role}) AS members
        RETURN g.ring_id AS ring_id, g.kind AS kind, g.score AS score, g.evidence_json AS evidence_json,
               g.model_version AS model_version, g.build_id AS build_id, g.detected_at AS detected_at,
               members
        ORDER BY g.score DESC, g.ring_id""", {"build_id": build_id})
    return [_stored_ring(r) for r in rows]


def _stored_ring(r: dict[str, Any]) -> StoredRing:
    members = sorted((RingMember(str(m["account_id"]), float(m["score"] or 0.0), str(m["role"] or "member"))
                      for m in r["members"] if m["account_id"] is not None),
                     key=lambda m: (-m.score, m.account_id))
    evidence = tuple(EvidenceItem(modality=e["modality"], kind=e["kind"], value=str(e["value"]),
                                  accounts=tuple(e.get("accounts") or ()),
                                  confidence=float(e.get("confidence", 1.0)), detail=str(e.get("detail") or ""))
                     for e in json.loads(str(r["evidence_json"] or "[]")))
    ring = RingRecord(ring_id=str(r["ring_id"]), kind=RingKind.parse(r["kind"]), score=float(r["score"] or 0.0),
                      members=tuple(members), evidence=evidence, detected_at=str(r["detected_at"] or ""))
    return StoredRing(ring=ring, model_version=str(r["model_version"] or ""), build_id=str(r["build_id"]))
