"""A recording stand-in for graph.store.Store, for unit tests of the code around a query: what
rows come back is scripted, every statement and its parameters are kept for assertions. Tests
of what Cypher does to a graph run on the real Neo4j (tests/graph/, the `store` fixture)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Statement:
    kind: str  # "read", "write" or "batch"
    cypher: str
    params: dict[str, Any]


@dataclass
class RecordingStore:
    """`answers`: (a substring of the Cypher, rows to return); the first match answers, else []."""

    answers: Sequence[tuple[str, list[dict[str, Any]]]] = ()
    statements: list[Statement] = field(default_factory=list)

    def _answer(self, kind: str, cypher: str, params: Mapping[str, Any] | None) -> list[dict[str, Any]]:
        self.statements.append(Statement(kind, cypher, dict(params or {})))
        return next((list(rows) for needle, rows in self.answers if needle in cypher), [])

    def read(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        return self._answer("read", cypher, params)

    def write(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        return self._answer("write", cypher, params)

    def write_batches(self, cypher: str, rows: Iterable[Mapping[str, Any]], batch_size: int = 5000,
                      extra: Mapping[str, Any] | None = None) -> int:
        items = [dict(r) for r in rows]
        for start in range(0, len(items), batch_size):
            self._answer("batch", cypher, {**(extra or {}), "rows": items[start:start + batch_size]})
        return len(items)
