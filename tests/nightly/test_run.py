"""The stage runner: a failed stage skips only what needs it, a crash is a failure, not an exit."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import RiskgraphError
from nightly.run import NightlyPlan, NightlyRun


def _plan(tmp_path: Path, stages: tuple[str, ...] = ("ingest", "asr", "vision", "graph", "gnn")) -> NightlyPlan:
    return NightlyPlan("2026-12-01", tmp_path / "raw", tmp_path / "work", stages)


def _fail() -> dict[str, int]:
    raise RiskgraphError("audio folder missing")


def _crash() -> dict[str, int]:
    raise ValueError("boom")


def test_failed_stage_skips_its_dependants_and_not_the_others(tmp_path: Path) -> None:
    started: list[str] = []
    run = NightlyRun(_plan(tmp_path), on_stage=started.append)
    run.run("ingest", lambda: {"orders": 3})
    run.run("asr", _fail, needs=("ingest",))
    run.run("vision", lambda: {"photos": 2}, needs=("ingest",))
    run.run("graph", lambda: {"rows": 9}, needs=("ingest", "asr"))
    by = {o.name: o for o in run.outcomes}
    assert [by[n].status for n in ("ingest", "asr", "vision", "graph")] == ["ok", "failed", "ok", "skipped"]
    assert by["asr"].error == "audio folder missing"
    assert by["graph"].error == "needs asr"
    assert by["vision"].counts == {"photos": 2}
    assert started == ["ingest", "asr", "vision"]  # a skipped stage is never started
    assert run.failed


def test_a_crash_is_recorded_with_its_type(tmp_path: Path) -> None:
    run = NightlyRun(_plan(tmp_path))
    outcome = run.run("gnn", _crash)
    assert (outcome.status, outcome.error) == ("failed", "ValueError: boom")
    assert outcome.seconds >= 0


def test_stage_not_requested_is_skipped_but_counts_as_available(tmp_path: Path) -> None:
    run = NightlyRun(_plan(tmp_path, stages=("graph",)))
    assert run.run("ingest", lambda: {"orders": 1}).error == "not requested"
    assert run.run("graph", lambda: {"rows": 1}, needs=("ingest",)).status == "ok"  # ingest's outputs may exist
    assert not run.failed
