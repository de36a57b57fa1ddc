"""Ground truth from the simulator (evaluation only; the pipeline never reads it) and matching.

`DIR/rings.csv` (ring_id, kind, account_id, role) and `DIR/lookalikes.csv` (group_id, kind,
account_id). A detected ring matches a true ring when their member sets have Jaccard >= 0.5;
matching is one-to-one, greedy by Jaccard.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gnn.errors import TruthError

MATCH_JACCARD = 0.5


@dataclass(frozen=True)
class TrueRing:
    ring_id: str
    kind: str
    members: frozenset[str]


@dataclass(frozen=True)
class Truth:
    rings: tuple[TrueRing, ...]
    lookalike_kind: dict[str, str]  # account_id -> look-alike kind (family, campus_nat, ...)

    @property
    def fraud_accounts(self) -> frozenset[str]:
        return frozenset().union(*(r.members for r in self.rings)) if self.rings else frozenset()


def _rows(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.exists():
        raise TruthError(f"{path} is missing; point --truth at a simulated day's truth folder")
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise TruthError(f"{path} lacks column(s) {', '.join(missing)}")
        return list(reader)


def read_truth(folder: Path) -> Truth:
    members: dict[str, set[str]] = defaultdict(set)
    kinds: dict[str, str] = {}
    for r in _rows(folder / "rings.csv", ("ring_id", "kind", "account_id")):
        members[r["ring_id"]].add(r["account_id"])
        kinds[r["ring_id"]] = r["kind"]
    look: dict[str, str] = {}
    if (folder / "lookalikes.csv").exists():
        for r in _rows(folder / "lookalikes.csv", ("group_id", "kind", "account_id")):
            look[r["account_id"]] = r["kind"]
    rings = tuple(TrueRing(rid, kinds[rid], frozenset(m)) for rid, m in sorted(members.items()))
    return Truth(rings, look)


def jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def match(detected: Sequence[frozenset[str]], true: Sequence[TrueRing]) -> dict[int, int]:
    """One-to-one matches {detected index: true index} with Jaccard >= 0.5, greedy by Jaccard."""
    by_account: dict[str, list[int]] = defaultdict(list)
    for j, t in enumerate(true):
        for a in t.members:
            by_account[a].append(j)
    pairs = []
    for i, d in enumerate(detected):
        for j in {j for a in d for j in by_account.get(a, ())}:
            s = jaccard(d, true[j].members)
            if s >= MATCH_JACCARD:
                pairs.append((s, i, j))
    out: dict[int, int] = {}
    used: set[int] = set()
    for _, i, j in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if i not in out and j not in used:
            out[i] = j
            used.add(j)
    return out
