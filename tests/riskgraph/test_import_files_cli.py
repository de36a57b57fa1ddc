"""`riskgraph graph import-files`: the importer's CSVs and command line for an external server, and
`--finish` recording the Build through NEO4J_URI (integration: the session's real Neo4j)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from graph.store import GraphStore
from riskgraph.cli import app
from services.neo4j_local import LocalNeo4jConfig, read_or_create_password

pytestmark = pytest.mark.integration


def test_import_files_then_finish(tmp_path: Path, store: GraphStore, neo4j_local: LocalNeo4jConfig) -> None:
    sim = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path / "raw"), "--date", "2026-11-27", "--accounts",
                                   "200", "--rings", "2", "--media-fraction", "0"])
    assert sim.exit_code == 0, sim.output
    work = tmp_path / "work"
    assert CliRunner().invoke(app, ["ingest", "all", str(tmp_path / "raw" / "2026-11-27"), "--out", str(work)]).exit_code == 0
    out = tmp_path / "import"
    result = CliRunner().invoke(app, ["graph", "import-files", str(work), "--date", "2026-11-27", "--out", str(out)])
    assert result.exit_code == 0, result.output
    script = (out / "import.sh").read_text()
    named = set(re.findall(r"=(/[^ \\\n]+\.csv)", script))
    assert named == {str(p) for p in out.glob("*.csv")} and len(named) > 10
    assert "neo4j-admin database import full" in script and script.rstrip().endswith("neo4j")
    accounts = pl.read_csv(out / "nodes_Account.csv", infer_schema=False)
    assert accounts.columns[0] == "account_id:ID(Account)" and accounts.height >= 200

    env = {"NEO4J_URI": neo4j_local.uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": read_or_create_password(neo4j_local),
           "RISKGRAPH_VAR_DIR": str(tmp_path / "var")}
    done = CliRunner().invoke(app, ["graph", "import-files", str(work), "--date", "2026-11-27", "--out", str(out),
                                    "--finish"], env=env)
    assert done.exit_code == 0, done.output
    build = store.read("MATCH (b:Build {build_id: 'build-2026-11-27'}) RETURN b.complete AS c, size(b.steps_done) AS n")
    assert build == [{"c": True, "n": 14}]
