"""`riskgraph asr transcribe DAY_DIR --out WORK_DIR`: every call of a day into transcripts.parquet.

Resumable: a call whose audio bytes (sha256) match a row already in transcripts.parquet is skipped;
identical audio under a new call_id reuses that transcript (it is decoded once). Bad audio and bad
rows go to quarantine/asr.parquet with a reason, and the job goes on. The distinct new recordings run
on an `ingest.executor` Executor (this process by default, Ray actors on a cluster); results are
checkpointed every `checkpoint_every` decoded calls, so a crash loses at most that much work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from asr.audio import load_channels
from asr.entities import DEFAULT_ENTITIES, EntityConfig
from asr.errors import BadAudioError
from asr.records import CallTranscript
from asr.signals import extract_signals
from asr.tables import (
    QUARANTINE_FILE,
    TRANSCRIPTS_FILE,
    read_transcripts,
    transcripts_frame,
    write_transcripts,
)
from asr.transcript import Transcriber
from ingest.errors import MediaPathError
from ingest.executor import Executor, InProcess, sha256_file, verify_file
from ingest.media import media_path
from ingest.media_items import CallItem, call_items
from ingest.quarantine import QuarantineItem, quarantine_frame, write_quarantine
from ingest.rules import ReadSpec

log = logging.getLogger(__name__)

STAGE = "asr"

Progress = Callable[[int, int], None]  # (calls handled so far, total calls)


@dataclass(frozen=True)
class JobOptions:
    max_seconds: float = 600.0  # longer recordings are quarantined as too_long
    default_language: str | None = None  # used when a call has no language; None = detect
    checkpoint_every: int = 20
    read: ReadSpec = field(default_factory=ReadSpec)  # how ingest reads calls.csv: column mapping, timezone, limits
    entities: EntityConfig = DEFAULT_ENTITIES  # the shop's order-id format and the day's known orders


@dataclass(frozen=True)
class JobResult:
    transcribed: int  # calls decoded this run
    reused: int  # calls whose audio was already transcribed under another call_id
    skipped: int  # calls already in transcripts.parquet with the same audio
    quarantine: tuple[QuarantineItem, ...]
    transcripts_path: Path
    quarantine_path: Path


@dataclass(frozen=True)
class CallTask:
    """One distinct recording to transcribe, as the first call of the day that holds it."""

    call: CallItem
    path: str  # absolute, as the planner resolved it inside the day folder (shared storage on a cluster)
    digest: str  # sha256 of the audio; "" when the planner found no file (the worker quarantines it as missing)


@dataclass(frozen=True)
class CallFailed:
    """A recording that could not be transcribed: quarantined under every call that holds it."""

    reason: str
    detail: str


CallOutcome = CallTranscript | CallFailed


def transcribe_call(call: CallItem, path: Path, digest: str, transcriber: Transcriber,
                    options: JobOptions) -> CallTranscript:
    channels = load_channels(path, options.max_seconds)
    transcript = transcriber.transcribe_channels(channels, call.language or options.default_language)
    return CallTranscript(call.call_id, call.caller_phone, call.account_id, call.started_at, call.audio,
                          digest, transcript, extract_signals(transcript.text, transcript.language, options.entities))


@dataclass(frozen=True)
class CallTranscribing:
    """Worker factory (`ingest.executor`): builds the transcriber once per worker, then takes calls.

    `make_transcriber` must pickle for process or Ray executors (e.g. `partial(make_transcriber, cfg)`).
    """

    make_transcriber: Callable[[], Transcriber]
    options: JobOptions

    def __call__(self) -> Callable[[CallTask], CallOutcome]:
        transcriber, options = self.make_transcriber(), self.options

        def work(task: CallTask) -> CallOutcome:
            if task.digest:
                verify_file(task.path, task.digest)  # not on this node, or changed: the stage stops
            try:
                return transcribe_call(task.call, Path(task.path), task.digest, transcriber, options)
            except BadAudioError as e:
                log.warning("call %s quarantined: %s", task.call.call_id, e)
                return CallFailed(e.reason, e.detail)
            except Exception as e:  # one bad call must not stop the day: quarantine it and go on
                log.exception("call %s failed", task.call.call_id)
                return CallFailed("error", f"{type(e).__name__}: {e}")

        return work


def _relabel(row: pl.DataFrame, call: CallItem) -> pl.DataFrame:
    """An already transcribed copy of this audio, as the row of `call`."""
    return row.with_columns(pl.lit(call.call_id).alias("call_id"), pl.lit(call.caller_phone).alias("caller_phone"),
                            pl.lit(call.account_id).alias("account_id"), pl.lit(call.started_at).alias("started_at"),
                            pl.lit(call.audio).alias("audio"))


def transcribe_day(day_dir: Path, work_dir: Path, make_transcriber: Callable[[], Transcriber],
                   options: JobOptions = JobOptions(), progress: Progress | None = None,
                   executor: Executor | None = None) -> JobResult:
    """Plan (which calls need decoding), run the distinct new recordings on `executor` (default: in
    this process), then write this run's rows and quarantine in calls.csv order, wherever they ran."""
    calls, quarantine = call_items(day_dir, options.read, STAGE)  # ingest reads calls.csv for every stage
    out_path, q_path = work_dir / TRANSCRIPTS_FILE, work_dir / QUARANTINE_FILE
    done = read_transcripts(out_path)
    done_keys = set(zip(done["call_id"].to_list(), done["audio_sha256"].to_list(), strict=True))
    first = done.unique("audio_sha256", keep="first", maintain_order=True)
    by_audio = {d: first.slice(i, 1) for i, d in enumerate(first["audio_sha256"].to_list())}
    wanted = {c.call_id for c in calls}
    kept = done.filter(pl.col("call_id").is_in(wanted))  # drop rows of calls no longer listed or re-recorded

    # plan, in call order: each call is skipped, quarantined, a copy of known audio, or needs a task
    tasks: list[CallTask] = []
    leader: dict[str, int] = {}  # digest -> index of the task decoding it this run
    plan: list[tuple[CallItem, str, int | None] | QuarantineItem] = []  # (call, digest, task) or quarantine
    skipped = 0
    for call in calls:
        try:
            path = media_path(day_dir, call.audio)  # confined to the day folder before ffprobe sees it
        except MediaPathError as e:
            plan.append(QuarantineItem(STAGE, "calls.csv", call.call_id, call.line, e.reason, e.detail))
            continue
        try:
            digest = sha256_file(path) if path.is_file() else ""
        except OSError as e:  # e.g. no read permission: this call is bad, the day goes on
            plan.append(QuarantineItem(STAGE, call.audio, call.call_id, call.line, "error", f"{type(e).__name__}: {e}"))
            continue
        if (call.call_id, digest) in done_keys:
            skipped += 1
            continue
        kept = kept.filter(pl.col("call_id") != call.call_id)
        if digest and digest in by_audio:
            plan.append((call, digest, None))
        elif digest and digest in leader:
            plan.append((call, digest, leader[digest]))
        else:
            if digest:  # files the planner did not find are never copies of one another
                leader[digest] = len(tasks)
            plan.append((call, digest, len(tasks)))
            tasks.append(CallTask(call, str(path), digest))

    outcomes: dict[int, CallOutcome] = {}
    handled = len(calls) - len(tasks)
    if progress:
        progress(handled, len(calls))
    for n, (i, outcome) in enumerate(
            (executor or InProcess()).map_unordered(CallTranscribing(make_transcriber, options), tasks), start=1):
        outcomes[i] = outcome
        if n % options.checkpoint_every == 0:  # a crash loses at most this much work
            _write_rows(kept, [o for o in outcomes.values() if isinstance(o, CallTranscript)], [], out_path)
        if progress:
            progress(handled + n, len(calls))

    new: list[CallTranscript] = []
    frames: list[pl.DataFrame] = []
    transcribed = reused = 0
    for step in plan:
        if isinstance(step, QuarantineItem):
            quarantine.append(step)
            continue
        call, digest, task = step
        got = outcomes[task] if task is not None else None
        if isinstance(got, CallFailed):
            quarantine.append(QuarantineItem(STAGE, call.audio, call.call_id, call.line, got.reason,
                                             got.detail))
        elif task is not None and tasks[task].call is call:
            assert isinstance(got, CallTranscript)
            new.append(got)
            transcribed += 1
        else:  # the same audio as a transcript of an earlier run, or of an earlier call of this run
            assert task is None or isinstance(got, CallTranscript)
            frames.append(_relabel(by_audio[digest] if got is None else transcripts_frame([got]), call))
            reused += 1
    _write_rows(kept, new, frames, out_path, order=[c.call_id for c in calls])
    write_quarantine(q_path, [quarantine_frame(quarantine)])
    return JobResult(transcribed, reused, skipped, tuple(quarantine), out_path, q_path)


def _write_rows(kept: pl.DataFrame, new: list[CallTranscript], frames: list[pl.DataFrame], path: Path,
                order: list[str] | None = None) -> None:
    """Earlier runs' rows, then this run's (in `order` of call_id when given: the final write)."""
    fresh = pl.concat([transcripts_frame(new), *frames]) if new or frames else None
    if fresh is not None and order is not None:
        rank = {c: i for i, c in enumerate(order)}
        fresh = fresh.sort(pl.col("call_id").replace_strict(rank, return_dtype=pl.Int64))
    write_transcripts(kept if fresh is None else pl.concat([kept, fresh]), path)
