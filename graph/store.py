"""The one module that touches the official `neo4j` driver.

Everything else in riskgraph builds `(cypher, params)` pairs and hands them to a
`GraphStore`. Queries are always parameterized; the driver's managed transactions retry
transient failures (leader switch, deadlock, dropped connection) with backoff, and every
other driver error is translated into one of graph/'s own errors with a message that says
what to do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, LiteralString, Protocol, cast

import neo4j
from neo4j import exceptions as neo4j_errors

from graph.errors import GraphAuthError, GraphError, GraphQueryError, GraphUnavailableError

log = logging.getLogger(__name__)


class _DeadlockRetriesAreRoutine(logging.Filter):
    """Concurrent load batches that meet on a shared node (a device, a drop address) deadlock now
    and then; Neo4j aborts one and the driver retries it, logging a WARNING each time. That is the
    expected price of concurrency, not news for the nightly's log: demote it to DEBUG here. Other
    retries (a dropped connection, a leader switch) stay warnings."""

    def filter(self, record: logging.LogRecord) -> bool:
        if "DeadlockDetected" in record.getMessage():
            log.debug("deadlock between load batches, retried: %s", record.getMessage()[:200])
            return False
        return True


logging.getLogger("neo4j.session").addFilter(_DeadlockRetriesAreRoutine())

Row = dict[str, Any]


class Store(Protocol):
    """What the graph's queries need of a store: GraphStore on a real Neo4j, or the recording fake
    in testing/ for unit tests of the code around a query (integration tests use the real one)."""

    def read(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]: ...

    def write(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]: ...

    def write_batches(self, cypher: str, rows: Iterable[Mapping[str, Any]], batch_size: int = 5000,
                      extra: Mapping[str, Any] | None = None) -> int: ...


@dataclass(frozen=True)
class Neo4jConnection:
    """Where and how to reach Neo4j."""

    uri: str  # bolt:// or neo4j:// (cluster routing) URI
    user: str
    password: str
    database: str = "neo4j"
    max_retry_seconds: float = 30.0  # budget for retrying transient errors per transaction


@dataclass(frozen=True)
class ServerInfo:
    """What `CALL dbms.components()` reports."""

    name: str
    version: str
    edition: str


class GraphStore:
    """A thin, typed wrapper around one driver instance.

    Use as a context manager, or call `close()`. Reads and writes go through managed
    transactions so the driver retries what is retryable and nothing else.
    """

    def __init__(self, conn: Neo4jConnection) -> None:
        self._conn = conn
        try:
            self._driver = neo4j.GraphDatabase.driver(
                conn.uri,
                auth=(conn.user, conn.password),
                max_transaction_retry_time=conn.max_retry_seconds,
                connection_acquisition_timeout=30.0,
                notifications_min_severity="OFF",  # planner hints (e.g. an unused rel type) are not errors
            )
        except (ValueError, neo4j_errors.ConfigurationError) as e:
            raise GraphError(f"invalid Neo4j URI {conn.uri!r}: {e}") from e

    @property
    def uri(self) -> str:
        return self._conn.uri

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._driver.close()

    def verify(self) -> ServerInfo:
        """Connect, authenticate and report the server version, or raise a clear error."""
        rows = self.read("CALL dbms.components() YIELD name, versions, edition "
                         "RETURN name, versions[0] AS version, edition")
        if not rows:
            raise GraphError(f"Neo4j at {self.uri} did not report its version")
        r = rows[0]
        return ServerInfo(name=str(r["name"]), version=str(r["version"]), edition=str(r["edition"]))

    def read(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a read query and return all records as dicts."""
        with self._translated(cypher), self._session() as s:
            return s.execute_read(_collect, cypher, dict(params or {}))

    def read_columns(self, cypher: str, params: Mapping[str, Any] | None = None) -> dict[str, list[Any]]:
        """Run a read query and return its result column by column, for the large exports.

        The server collects the rows into one list and sends it as one record: the driver's cost
        per record, not the query, was most of an export (100k account ids: 3.2 s as rows, 0.5 s
        as one list). The server holds the whole result while it sends it, which the exports'
        sizes allow (a few hundred MB at 1M accounts)."""
        with self._translated(cypher), self._session() as s:
            return s.execute_read(_collect_columns, cypher, dict(params or {}))

    def write(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a write query in one transaction and return its records as dicts."""
        with self._translated(cypher), self._session() as s:
            return s.execute_write(_collect, cypher, dict(params or {}))

    def write_batches(self, cypher: str, rows: Iterable[Mapping[str, Any]], batch_size: int = 5000,
                      extra: Mapping[str, Any] | None = None,
                      on_batch: Callable[[int], None] | None = None, fresh: FreshPath | None = None,
                      workers: int = 1, key: Callable[[Mapping[str, Any]], Hashable] | None = None) -> int:
        """Run `cypher` once per batch with `$rows` bound to the batch; returns rows written.

        Each batch is its own transaction: an interrupted load leaves whole batches only,
        and idempotent `MERGE` statements make a re-run converge on the same state.
        `on_batch` gets the running total after each batch (for progress bars).
        With `fresh`, each batch's rows whose key is not in the database yet go to
        `fresh.cypher` (CREATE instead of MERGE), the others to `cypher`, in one transaction.
        With `workers` > 1 and a `key` (what a row writes: rows with equal keys touch the same
        thing), up to `workers` batches run at once, each in its own transaction, so a multi-core
        server works on several; a batch sharing a key with one in flight waits for it, so rows
        about the same thing still apply in input order. Lock conflicts on shared nodes (deadlocks)
        are transient errors that the managed transaction retries.
        """
        batches = ({**(extra or {}), "rows": batch} for batch in _chunks(rows, batch_size))
        if workers <= 1 or key is None:
            total = 0
            for params in batches:
                self._write_batch(cypher, params, fresh)
                total += len(params["rows"])
                if on_batch:
                    on_batch(total)
            return total
        return self._write_concurrently(cypher, batches, fresh, workers, key, on_batch)

    def _write_batch(self, cypher: str, params: dict[str, Any], fresh: FreshPath | None) -> None:
        if fresh is None:
            self.write(cypher, params)
        else:
            with self._translated(fresh.cypher), self._session() as s:
                s.execute_write(_write_split, fresh, cypher, params)

    def _write_concurrently(self, cypher: str, batches: Iterable[dict[str, Any]], fresh: FreshPath | None,
                            workers: int, key: Callable[[Mapping[str, Any]], Hashable],
                            on_batch: Callable[[int], None] | None) -> int:
        total = 0
        inflight: dict[Future[None], tuple[frozenset[Hashable], int]] = {}

        def reap(done: Iterable[Future[None]]) -> None:
            nonlocal total
            for f in list(done):
                f.result()  # re-raises the batch's error (already translated) in this thread
                total += inflight.pop(f)[1]
                if on_batch:
                    on_batch(total)

        with ThreadPoolExecutor(workers, thread_name_prefix="graph-write") as pool:
            for params in batches:
                keys = frozenset(key(r) for r in params["rows"])
                blockers = [f for f, (ks, _) in inflight.items() if not ks.isdisjoint(keys)]
                if blockers:
                    reap(wait(blockers).done)
                while len(inflight) >= workers:
                    reap(wait(inflight, return_when=FIRST_COMPLETED).done)
                inflight[pool.submit(self._write_batch, cypher, params, fresh)] = (keys, len(params["rows"]))
            while inflight:  # on an error above, leaving the pool still waits for the running batches
                reap(wait(inflight, return_when=FIRST_COMPLETED).done)
        return total

    def run_auto(self, cypher: str, params: Mapping[str, Any] | None = None) -> None:
        """Run one statement in an auto-commit transaction: the only kind that may batch itself
        with `CALL { ... } IN TRANSACTIONS` (large deletes). Not retried: such statements must be
        idempotent, so a failed one is simply run again."""
        with self._translated(cypher), self._session() as s:
            s.run(cast(LiteralString, cypher), dict(params or {})).consume()

    def run_schema(self, statements: Sequence[str]) -> None:
        """Run schema statements (constraints, indexes) each in its own auto-commit transaction."""
        for stmt in statements:
            with self._translated(stmt), self._session() as s:
                s.run(cast(LiteralString, stmt)).consume()

    @contextmanager
    def _session(self) -> Iterator[neo4j.Session]:
        with self._driver.session(database=self._conn.database) as s:
            yield s

    @contextmanager
    def _translated(self, cypher: str) -> Iterator[None]:
        try:
            yield
        except neo4j_errors.AuthError as e:
            raise GraphAuthError(
                f"Neo4j at {self.uri} rejected user {self._conn.user!r}: check NEO4J_USER / NEO4J_PASSWORD "
                "(the local server keeps its password in var/neo4j/password)") from e
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as e:
            raise GraphUnavailableError(
                f"cannot reach Neo4j at {self.uri}: start the local one with `riskgraph neo4j start`, "
                f"or point NEO4J_URI at a running server ({type(e).__name__}: {e})") from e
        except neo4j_errors.Neo4jError as e:
            first_line = cypher.strip().splitlines()[0] if cypher.strip() else ""
            raise GraphQueryError(f"Neo4j rejected a query ({e.code}): {e.message} [query: {first_line[:80]}]") from e
        except neo4j_errors.DriverError as e:
            raise GraphError(f"Neo4j driver error talking to {self.uri}: {e}") from e


@dataclass(frozen=True)
class FreshPath:
    """A cheaper statement for rows whose key node does not exist yet.

    `exists` binds `$keys` and returns column `k` for the keys already in the database;
    `cypher` must write exactly what the MERGE statement would for such a row (it may CREATE
    the key node and the relationships hanging off it, since none can exist yet)."""

    key: str  # row field holding the node key
    exists: str
    cypher: str


def _write_split(tx: neo4j.ManagedTransaction, fresh: FreshPath, cypher: str, params: dict[str, Any]) -> None:
    """One batch in one transaction: the first row of each new key → `fresh.cypher` (so a key
    repeated in the batch is created once, then merged in order), every other row → `cypher`.
    The existence check and both writes share the transaction, so a batch is all-or-nothing
    and a re-run after a crash sees the same split as any clean run from the same state."""
    rows: list[Mapping[str, Any]] = params["rows"]
    existing = {rec["k"] for rec in tx.run(cast(LiteralString, fresh.exists), {"keys": [r[fresh.key] for r in rows]})}
    new: list[Mapping[str, Any]] = []
    old: list[Mapping[str, Any]] = []
    for r in rows:
        k = r[fresh.key]
        if k in existing:
            old.append(r)
        else:
            existing.add(k)
            new.append(r)
    if new:
        tx.run(cast(LiteralString, fresh.cypher), {**params, "rows": new}).consume()
    if old:
        tx.run(cast(LiteralString, cypher), {**params, "rows": old}).consume()


def _collect(tx: neo4j.ManagedTransaction, cypher: str, params: dict[str, Any]) -> list[Row]:
    result = tx.run(cast(LiteralString, cypher), params)
    return [r.data() for r in result]


def _collect_columns(tx: neo4j.ManagedTransaction, cypher: str, params: dict[str, Any]) -> dict[str, list[Any]]:
    keys = tx.run(cast(LiteralString, "EXPLAIN " + cypher), params).keys()  # the columns, without running it
    # each row as a list, so that a null stays in its place (collect() of a column would drop it)
    fields = ", ".join("`" + k.replace("`", "``") + "`" for k in keys)
    record = tx.run(cast(LiteralString, f"CALL {{ {cypher} }} RETURN collect([{fields}]) AS rows"), params).single()
    rows = record["rows"] if record else []
    cols = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in keys]
    return dict(zip(keys, cols, strict=True))


def _chunks(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    batch: list[Mapping[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
