"""Render many photos and calls in a process pool; one failure quarantines one item, not the run."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulate.media.parcel import LabelText, render_parcel_photo, yolo_lines
from simulate.media.speech import Voice, render_call

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PhotoJob:
    text: LabelText
    seed: tuple[int, ...]  # numpy SeedSequence entropy: the photo's pixels depend on this only
    difficulty: str
    image_path: Path  # .jpg
    yolo_path: Path  # .txt


@dataclass(frozen=True)
class CallJob:
    text: str
    language: str
    voice: Voice
    audio_path: Path  # .wav | .mp3 | .flac


def _atomic_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _run_one(job: PhotoJob | CallJob) -> str | None:
    """Render one item; returns None on success or the reason it failed."""
    try:
        if isinstance(job, PhotoJob):
            photo = render_parcel_photo(job.text, np.random.default_rng(list(job.seed)), job.difficulty)
            job.image_path.parent.mkdir(parents=True, exist_ok=True)
            job.yolo_path.parent.mkdir(parents=True, exist_ok=True)
            tmp = job.image_path.with_name(job.image_path.name + ".tmp")
            photo.image.save(tmp, format="JPEG", quality=92)
            os.replace(tmp, job.image_path)
            _atomic_bytes(job.yolo_path, yolo_lines(photo).encode())
        else:
            render_call(job.text, job.language, job.voice, job.audio_path)
        return None
    except Exception as e:  # per-item: quarantine and go on
        return f"{type(e).__name__}: {e}"


def render_all(jobs: Sequence[PhotoJob | CallJob], workers: int,
               on_done: Callable[[], None] | None = None) -> list[tuple[PhotoJob | CallJob, str]]:
    """Render every job with `workers` processes; returns the (job, reason) pairs that failed."""
    failed: list[tuple[PhotoJob | CallJob, str]] = []
    if not jobs:
        return failed
    if workers <= 1:
        results = map(_run_one, jobs)
        for job, err in zip(jobs, results, strict=True):
            _note(job, err, failed, on_done)
        return failed
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for job, err in zip(jobs, pool.map(_run_one, jobs, chunksize=4), strict=True):
            _note(job, err, failed, on_done)
    return failed


def _note(job: PhotoJob | CallJob, err: str | None, failed: list[tuple[PhotoJob | CallJob, str]],
          on_done: Callable[[], None] | None) -> None:
    if err is not None:
        log.warning("media item quarantined (%s): %s", getattr(job, "image_path", getattr(job, "audio_path", "")), err)
        failed.append((job, err))
    if on_done is not None:
        on_done()
