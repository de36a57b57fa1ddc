"""The nightly report: the run, the quarantine and the graph, written the same in Markdown and HTML."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import RiskgraphError
from ingest.quarantine import QuarantineItem, quarantine_frame, write_quarantine
from nightly.report import COUNTS_BEFORE, write_run_report
from nightly.run import NightlyPlan, NightlyRun
from testing.fake_store import RecordingStore


def _run(tmp_path: Path) -> NightlyRun:
    run = NightlyRun(NightlyPlan("2026-12-01", tmp_path / "raw", tmp_path / "work"))
    run.artefacts["build_id"] = "b-2026-12-01"
    run.run("ingest", lambda: {"orders": 1200})
    run.run("asr", lambda: (_ for _ in ()).throw(RiskgraphError("no calls folder")), needs=("ingest",))
    run.run("graph", lambda: {"rows": 5}, needs=("asr",))
    q = tmp_path / "work" / "quarantine"
    q.mkdir(parents=True)
    write_quarantine(q / "orders.parquet", [quarantine_frame([
        QuarantineItem("ingest", "orders.csv", "o-1", 7, "bad_timestamp", "naive timestamp, no timezone set"),
        QuarantineItem("ingest", "orders.csv", "o-2", 9, "bad_timestamp", "naive timestamp, no timezone set"),
        QuarantineItem("ingest", "orders.csv", "o-3", 11, "unknown_account", "account a-9 not in accounts.csv")])])
    return run


def test_report_says_what_failed_and_what_was_set_aside(tmp_path: Path) -> None:
    md, page = write_run_report(_run(tmp_path), None)
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# riskgraph nightly build 2026-12-01: FAILED")
    assert "| asr | failed |" in text and "no calls folder" in text
    assert "| graph | skipped |" in text and "needs asr" in text
    assert "| ingest | bad_timestamp | 2 | orders.csv:7 o-1" in text  # the bigger reason first, with examples
    assert "3 items set aside" in text
    assert "The graph was not available" in text
    body = page.read_text(encoding="utf-8")
    assert "<td>bad_timestamp</td>" in body and "no calls folder" in body


def test_report_shows_graph_growth_and_survives_an_unreadable_graph(tmp_path: Path) -> None:
    run = _run(tmp_path)
    run.artefacts[COUNTS_BEFORE] = ({"Account": 10}, {"PLACED": 4})
    store = RecordingStore(answers=[("MATCH (n:Account)", [{"n": 15}]), ("count(", [{"n": 0}])])

    class Broken(RecordingStore):
        def read(self, cypher: str, params: object = None) -> list[dict[str, object]]:
            raise RiskgraphError("Bolt connection refused")

    md, _ = write_run_report(run, Broken())  # type: ignore[arg-type]
    assert "The graph could not be read: Bolt connection refused" in md.read_text(encoding="utf-8")
    md, _ = write_run_report(run, store)  # type: ignore[arg-type]
    text = md.read_text(encoding="utf-8")
    assert "| node | Account | 10 | 15 | +5 |" in text
    assert "No ring was detected in this build." in text
