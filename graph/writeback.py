"""Write gnn/'s results into the graph: account scores and (:Ring)-[:HAS_MEMBER]->(:Account).

Writing the same build's results twice leaves the same state: rings are keyed by a deterministic
id, and rings or memberships of this build that are no longer in the result are removed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict

from graph.records import AccountScore, RingRecord
from graph.store import Store

_SCORES = """
UNWIND $rows AS r
MATCH (a:Account {account_id: r.account_id})
SET a.score = r.score, a.score_model_version = $model_version, a.score_build_id = $build_id
"""

_DROP_STALE_RINGS = """
MATCH (g:Ring {build_id: $build_id}) WHERE NOT g.ring_id IN $ring_ids
DETACH DELETE g
"""

_RINGS = """
UNWIND $rows AS r
MERGE (g:Ring {ring_id: r.ring_id})
ON CREATE SET g.detected_at = r.detected_at
SET g.kind = r.kind, g.score = r.score, g.size = size(r.members), g.evidence_json = r.evidence_json,
    g.model_version = $model_version, g.build_id = $build_id
WITH g, r
OPTIONAL MATCH (g)-[old:HAS_MEMBER]->(x:Account)
WHERE NOT x.account_id IN [m IN r.members | m.account_id]
DELETE old
WITH DISTINCT g, r
UNWIND r.members AS m
MATCH (a:Account {account_id: m.account_id})
MERGE (g)-[h:HAS_MEMBER]->(a)
SET h.score = m.score, h.role = m.role, h.model_version = $model_version, h.build_id = $build_id
"""


def write_account_scores(store: Store, scores: Sequence[AccountScore], model_version: str,
                         build_id: str) -> int:
    rows = [{"account_id": s.account_id, "score": float(s.score)} for s in scores]
    return store.write_batches(_SCORES, rows, 10_000, extra={"model_version": model_version, "build_id": build_id})


def write_rings(store: Store, rings: Sequence[RingRecord], model_version: str, build_id: str) -> int:
    """Replace this build's rings with `rings`. Evidence is kept as JSON on the Ring node."""
    store.write(_DROP_STALE_RINGS, {"build_id": build_id, "ring_ids": [r.ring_id for r in rings]})
    rows = [{
        "ring_id": r.ring_id, "kind": r.kind, "score": float(r.score), "detected_at": r.detected_at,
        "members": [{"account_id": m.account_id, "score": float(m.score), "role": m.role} for m in r.members],
        "evidence_json": json.dumps([asdict(e) for e in r.evidence], ensure_ascii=False, sort_keys=True),
    } for r in rings]
    return store.write_batches(_RINGS, rows, 200, extra={"model_version": model_version, "build_id": build_id})
