"""The nightly build: one day's raw folder through every stage into the graph and ring alerts.

Stages run in order; each is restartable on its own (the per-file stages skip work already done
by content hash, the graph load resumes from its recorded steps). A stage that fails is
reported with its reason and the stages that depend on it are skipped; independent stages
still run, so one bad channel (say, the audio) never costs the others their night.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.errors import RiskgraphError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StageOutcome:
    name: str
    status: str  # ok | failed | skipped
    seconds: float
    counts: Mapping[str, int] = field(default_factory=dict)
    error: str = ""


@dataclass(frozen=True)
class NightlyPlan:
    """What to run. Every path is resolved by the caller; nothing here reads settings."""

    date: str
    day_dir: Path  # the raw day folder (input contract)
    work_dir: Path  # this day's work folder (Parquet outputs, quarantine, report)
    stages: tuple[str, ...] = ("ingest", "asr", "vision", "graph", "gnn")


Stage = Callable[[], Mapping[str, int]]


@dataclass
class NightlyRun:
    """Runs named stages, recording outcomes; a stage runs only if the stages it needs succeeded."""

    plan: NightlyPlan
    on_stage: Callable[[str], None] = lambda _name: None
    outcomes: list[StageOutcome] = field(default_factory=list)
    artefacts: dict[str, Any] = field(default_factory=dict)  # results later stages or the report use

    def run(self, name: str, stage: Stage, needs: tuple[str, ...] = ()) -> StageOutcome:
        if name not in self.plan.stages:
            return self._record(StageOutcome(name, "skipped", 0.0, error="not requested"))
        failed = [n for n in needs if not self.ok(n)]
        if failed:
            return self._record(StageOutcome(name, "skipped", 0.0, error=f"needs {', '.join(failed)}"))
        self.on_stage(name)
        start = time.perf_counter()
        try:
            counts = stage()
        except RiskgraphError as e:
            log.error("stage %s failed: %s", name, e)
            return self._record(StageOutcome(name, "failed", time.perf_counter() - start, error=str(e)))
        except Exception as e:  # the nightly build reports any stage crash and goes on with the others
            log.exception("stage %s crashed", name)
            return self._record(StageOutcome(name, "failed", time.perf_counter() - start,
                                             error=f"{type(e).__name__}: {e}"))
        return self._record(StageOutcome(name, "ok", time.perf_counter() - start, dict(counts)))

    def ok(self, name: str) -> bool:
        """True if the stage ran and succeeded, or was not requested (its outputs may exist already)."""
        outcome = next((o for o in self.outcomes if o.name == name), None)
        return outcome is None or outcome.status == "ok" or outcome.error == "not requested"

    @property
    def failed(self) -> bool:
        return any(o.status == "failed" for o in self.outcomes)

    def _record(self, outcome: StageOutcome) -> StageOutcome:
        self.outcomes.append(outcome)
        return outcome
