"""First build through Neo4j's offline importer: `neo4j-admin database import full`, then swap in.

A MERGE load costs a transaction's worth of locking, index seeks and log writes per row; the
importer writes the store files directly (its own multi-threaded pipeline) and builds the graph
of a 1M-account day in a fraction of the time. It only creates a database, so it serves a first
build (empty graph) or the rebuild of the one day the graph holds; later days keep the idempotent
MERGE path (`graph/plan.py`), which needs nothing else: the bulk graph is the MERGE graph
(`graph/bulk_tables.py`; tested node for node and link for link) with the same `(:Build)` record.

The local server (services/neo4j-local) is stopped, the importer runs from the launcher's own jars
(Neo4j 5.26's import tool ships in the `neo4j` artifact from Maven Central) against the same
home, and the server is started again on the new store. For an external server the CSVs and the
command line are written (`write_import_files`) for its administrator to run on that host.
"""

from __future__ import annotations

import logging
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from graph.bulk_tables import BulkTables, build_tables, property_types
from graph.errors import GraphError
from graph.loader import LoadReport, LoadStep
from graph.reload import input_fingerprint
from graph.schema import NODE_KEYS, build_id_for, schema_statements
from graph.store import GraphStore, Neo4jConnection
from services import neo4j_local as local_server
from services.errors import LocalServerError

log = logging.getLogger(__name__)

ARRAY_DELIMITER = "\x1f"  # ASCII unit separator: never part of an id, a date or a keyword
MAIN_CLASS = "org.neo4j.cli.AdminTool"


@dataclass(frozen=True)
class ImportFiles:
    """CSV files with headers in the importer's format, and the arguments naming them."""

    folder: Path
    args: tuple[str, ...]  # `database import full` arguments, without the database name
    rows: dict[str, int] = field(default_factory=dict)  # "Label" / "TYPE(Start->End)" -> rows written


def _header(frame: pl.DataFrame, first: dict[str, str]) -> list[str]:
    types = property_types(frame)
    return [first.get(c) or (f"{c}:{types[c]}" if types[c] else c) for c in frame.columns]


def _csv_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists joined by the array delimiter, timestamps as ISO 8601 in UTC, the rest as it is."""
    out = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.List):
            out.append(col.list.eval(pl.element().cast(pl.Utf8)).list.join(ARRAY_DELIMITER).alias(name))
        elif isinstance(dtype, pl.Datetime):
            out.append(col.dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S%.6f+00:00").alias(name))
        else:
            out.append(col)
    return frame.select(out)


def _write(frame: pl.DataFrame, header: list[str], path: Path) -> bool:
    """Write one CSV; True if a string field holds a line break (the importer must be told)."""
    csv = _csv_frame(frame)
    csv.columns = header
    csv.write_csv(path, quote_style="necessary")
    text = [c for c, t in csv.schema.items() if t == pl.Utf8]
    return bool(text) and bool(csv.select(pl.any_horizontal(pl.col(c).str.contains("[\r\n]").any() for c in text)).item())


def write_import_files(tables: BulkTables, folder: Path) -> ImportFiles:
    """One CSV per node label and per (type, start label, end label); returns the importer arguments."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, mode=0o700)
    args: list[str] = []
    multiline: list[str] = []
    rows: dict[str, int] = {}
    for node in tables.nodes:
        key = NODE_KEYS[node.label]
        path = folder / f"nodes_{node.label}.csv"
        if _write(node.frame, _header(node.frame, {key: f"{key}:ID({node.label})"}), path):
            multiline.append(str(path))
        args.append(f"--nodes={node.label}={path}")
        rows[node.label] = node.frame.height
    for i, rel in enumerate(tables.rels):
        path = folder / f"rels_{i:02d}_{rel.rel_type}_{rel.start}_{rel.end}.csv"
        first = {"start": f":START_ID({rel.start})", "end": f":END_ID({rel.end})"}
        if _write(rel.frame, _header(rel.frame, first), path):
            multiline.append(str(path))
        args.append(f"--relationships={rel.rel_type}={path}")
        name = f"{rel.rel_type}({rel.start}->{rel.end})"
        rows[name] = rows.get(name, 0) + rel.frame.height
    args += ["--array-delimiter=U+001F", "--bad-tolerance=0", "--id-type=string"]
    if multiline:
        args += ["--multiline-fields-format=v2", f"--multiline-fields={','.join(multiline)}"]
    return ImportFiles(folder, tuple(args), rows)


def admin_command(cfg: local_server.LocalNeo4jConfig, files: ImportFiles, database: str, heap_mb: int,
                  offheap_mb: int, threads: int) -> list[str]:
    """The importer's command line, run from the local launcher's jars."""
    lib = local_server.LAUNCHER_DIR / "target" / "lib"
    return [cfg.java, f"-Xmx{heap_mb}m", *local_server.JVM_FLAGS, "-cp", f"{lib}/*", MAIN_CLASS,
            "database", "import", "full", *files.args, "--overwrite-destination=true",
            f"--max-off-heap-memory={offheap_mb}m", f"--threads={threads}",
            f"--report-file={files.folder / 'import.report'}", database]


def run_import(cfg: local_server.LocalNeo4jConfig, files: ImportFiles, database: str = "neo4j",
               heap_mb: int = 1024, offheap_mb: int = 1024, threads: int = 2) -> None:
    """Run the importer against the local server's home (the server must be stopped)."""
    if local_server.status(cfg).running:
        raise LocalServerError("the offline importer needs the local Neo4j stopped")
    conf = cfg.home / "admin-conf"
    conf.mkdir(parents=True, exist_ok=True, mode=0o700)
    (conf / "neo4j.conf").touch()
    cmd = admin_command(cfg, files, database, heap_mb, offheap_mb, threads)
    log.info("neo4j-admin import: %s", " ".join(shlex.quote(c) for c in cmd[-6:]))
    out = subprocess.run(cmd, env={"NEO4J_HOME": str(cfg.home), "NEO4J_CONF": str(conf),
                                   "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
                         capture_output=True, text=True, umask=0o077, check=False)
    (files.folder / "import.log").write_text(out.stdout + out.stderr)
    if out.returncode != 0 or "IMPORT DONE" not in out.stdout:
        tail = "\n".join((out.stdout + out.stderr).strip().splitlines()[-15:])
        raise GraphError(f"neo4j-admin database import failed (exit {out.returncode}); "
                         f"log: {files.folder / 'import.log'}\n{tail}")


def bulk_load_local(cfg: local_server.LocalNeo4jConfig, plan: list[LoadStep], work: Path, date: str,
                    database: str = "neo4j", heap_mb: int = 1024, offheap_mb: int = 1024,
                    threads: int = 2) -> LoadReport:
    """Build the graph of `work` into the local server's database with the importer.

    `plan` is the MERGE plan the graph stands for (its step names go on the Build record, so a
    later load of the same inputs is `unchanged`). The previous content of `database` is replaced.
    """
    build_id = build_id_for(date)
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    tables = build_tables(work, date)
    seconds["bulk.tables"] = time.perf_counter() - t
    t = time.perf_counter()
    files = write_import_files(tables, cfg.home / "import" / date)
    seconds["bulk.csv"] = time.perf_counter() - t
    t = time.perf_counter()
    local_server.stop(cfg)
    run_import(cfg, files, database, heap_mb, offheap_mb, threads)
    seconds["bulk.import"] = time.perf_counter() - t
    t = time.perf_counter()
    local_server.start(cfg)
    seconds["bulk.start"] = time.perf_counter() - t
    with GraphStore(Neo4jConnection(cfg.uri, "neo4j", local_server.read_or_create_password(cfg), database)) as store:
        t = time.perf_counter()
        finish_import(store, tables, plan, build_id, date, input_fingerprint(work))
        seconds["bulk.schema"] = time.perf_counter() - t
    shutil.rmtree(files.folder, ignore_errors=True)
    names = tuple(s.name for s in plan)
    log.info("bulk import of %s: %s", build_id, ", ".join(f"{k} {v:.1f}s" for k, v in seconds.items()))
    return LoadReport(build_id, names, (), dict(files.rows), seconds, "new")


def finish_import(store: GraphStore, tables: BulkTables, plan: list[LoadStep], build_id: str, date: str,
                  fingerprint: str) -> None:
    """Constraints and indexes (built over the imported data), the empty lists the importer cannot
    write, and the day's Build record, finished, as a MERGE load leaves it."""
    store.run_schema(schema_statements())
    store.run_auto("CALL db.awaitIndexes(3600)")
    for label, prop in tables.empty_lists:  # constants of graph/bulk_tables.py, never input
        store.run_auto(f"MATCH (n:{label}) WHERE n.{prop} IS NULL "
                       f"CALL (n) {{ SET n.{prop} = [] }} IN TRANSACTIONS OF 10000 ROWS")
    store.write("MERGE (b:Build {build_id: $build_id}) SET b.date = $date, b.steps_done = $steps, "
                "b.complete = true, b.fingerprint = $fp",
                {"build_id": build_id, "date": date, "steps": [s.name for s in plan], "fp": fingerprint})


def bulk_fits(store: GraphStore, build_id: str) -> bool:
    """True if the database is empty or holds only `build_id` (a rebuild of that day loses nothing else)."""
    nodes = store.read("MATCH (n) RETURN count(n) AS n")[0]["n"]
    if nodes == 0:
        return True
    builds = {r["b"] for r in store.read("MATCH (b:Build) RETURN b.build_id AS b")}
    return builds == {build_id}


def local_store_absent(cfg: local_server.LocalNeo4jConfig, database: str = "neo4j") -> bool:
    """True if the local server has never created `database`: a first build need not start it first."""
    return not (cfg.home / "data" / "databases" / database).exists()
