"""simulate_day: build the world, plan the day, write inputs and truth, render media."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulate.build import build_world
from simulate.config import SimConfig
from simulate.day import plan_day
from simulate.ids import day_number
from simulate.media.bulk import CallJob, PhotoJob, render_all
from simulate.writer import write_inputs, write_truth

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DaySummary:
    day_dir: Path
    truth_dir: Path
    accounts: int
    orders: int
    returns: int
    calls: int
    click_events: int
    photos: int
    recordings: int
    rings: int
    ring_members: int
    quarantined: int  # media items that failed to render


def simulate_day(cfg: SimConfig, out: Path,
                 on_media: Callable[[int], Callable[[], None]] | None = None) -> DaySummary:
    """Write DIR/D/ and DIR/truth/D/. `on_media(total)` returns a callback called once per item."""
    day_dir = out / cfg.date.isoformat()
    truth_dir = out / "truth" / cfg.date.isoformat()
    for d in (day_dir / "parcels", day_dir / "calls", truth_dir / "labels_yolo"):
        if d.exists():
            shutil.rmtree(d)  # a re-run replaces the day's media, never mixes two runs
    built = build_world(cfg)
    day = plan_day(cfg, built)
    log.info("planned %s: %d orders, %d returns, %d calls", cfg.date, day.orders.height, day.returns.height,
             day.calls.height)
    rng = np.random.default_rng([cfg.seed, day_number(cfg.date), 4])
    events = write_inputs(day, built, day_dir, rng)
    write_truth(day, built, truth_dir, cfg.difficulty)
    jobs: list[PhotoJob | CallJob] = [
        PhotoJob(p.text, p.seed, cfg.difficulty, day_dir / "parcels" / f"{p.return_id}.jpg",
                 truth_dir / "labels_yolo" / f"{p.return_id}.txt") for p in day.labels]
    jobs += [CallJob(c.text, c.language, c.voice, day_dir / c.audio) for c in day.scripts if c.audio]
    tick = on_media(len(jobs)) if on_media else None
    failed = render_all(jobs, cfg.workers, tick)
    return DaySummary(day_dir, truth_dir, day.accounts.height, day.orders.height, day.returns.height,
                      day.calls.height, events, len(day.labels), sum(1 for c in day.scripts if c.audio),
                      len(built.rings), built.ring_members.height, len(failed))
