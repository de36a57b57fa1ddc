"""`riskgraph asr transcribe DAY_DIR --out WORK_DIR`: every call of a day into transcripts.parquet.

Resumable: a call whose audio bytes (sha256) match a row already in transcripts.parquet is skipped;
identical audio under a new call_id reuses that transcript. Bad audio and bad rows go to
quarantine/asr.parquet with a reason, and the job goes on. Results are checkpointed every
`checkpoint_every` calls, so a crash loses at most that much work.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from asr.audio import load_channels
from asr.calls import STAGE, CallRecord, read_calls
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
from ingest.media import media_path
from ingest.quarantine import QuarantineItem, quarantine_frame, write_quarantine

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (calls handled so far, total calls)


@dataclass(frozen=True)
class JobOptions:
    max_seconds: float = 600.0  # longer recordings are quarantined as too_long
    default_language: str | None = None  # used when a call has no language; None = detect
    checkpoint_every: int = 20
    columns: Mapping[str, str] = field(default_factory=dict)  # calls.csv: contract name -> export name ([ingest.columns])
    entities: EntityConfig = DEFAULT_ENTITIES  # the shop's order-id format and the day's known orders


@dataclass(frozen=True)
class JobResult:
    transcribed: int  # calls decoded this run
    reused: int  # calls whose audio was already transcribed under another call_id
    skipped: int  # calls already in transcripts.parquet with the same audio
    quarantine: tuple[QuarantineItem, ...]
    transcripts_path: Path
    quarantine_path: Path


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def transcribe_call(call: CallRecord, path: Path, digest: str, transcriber: Transcriber,
                    options: JobOptions) -> CallTranscript:
    channels = load_channels(path, options.max_seconds)
    transcript = transcriber.transcribe_channels(channels, call.language or options.default_language)
    return CallTranscript(call.call_id, call.caller_phone, call.account_id, call.started_at, call.audio,
                          digest, transcript, extract_signals(transcript.text, transcript.language, options.entities))


def _relabel(row: pl.DataFrame, call: CallRecord) -> pl.DataFrame:
    """An already transcribed copy of this audio, as the row of `call`."""
    return row.with_columns(pl.lit(call.call_id).alias("call_id"), pl.lit(call.caller_phone).alias("caller_phone"),
                            pl.lit(call.account_id).alias("account_id"), pl.lit(call.started_at).alias("started_at"),
                            pl.lit(call.audio).alias("audio"))


def transcribe_day(day_dir: Path, work_dir: Path, transcriber: Transcriber, options: JobOptions = JobOptions(),
                   progress: Progress | None = None) -> JobResult:
    calls, quarantine = read_calls(day_dir, options.columns)
    out_path, q_path = work_dir / TRANSCRIPTS_FILE, work_dir / QUARANTINE_FILE
    done = read_transcripts(out_path)
    done_keys = set(zip(done["call_id"].to_list(), done["audio_sha256"].to_list(), strict=True))
    first = done.unique("audio_sha256", keep="first", maintain_order=True)
    by_audio = {d: first.slice(i, 1) for i, d in enumerate(first["audio_sha256"].to_list())}
    wanted = {c.call_id for c in calls}
    kept = done.filter(pl.col("call_id").is_in(wanted))  # drop rows of calls no longer listed or re-recorded
    frames: list[pl.DataFrame] = []
    new: list[CallTranscript] = []
    transcribed = reused = skipped = 0

    def flush() -> None:
        nonlocal frames, new
        frames = [*frames, transcripts_frame(new)] if new else frames
        new = []
        write_transcripts(pl.concat([kept, *frames]) if frames else kept, out_path)

    for i, call in enumerate(calls, start=1):
        try:
            path = media_path(day_dir, call.audio)  # confined to the day folder before ffprobe sees it
            digest = sha256_file(path) if path.is_file() else ""
            if (call.call_id, digest) in done_keys:
                skipped += 1
            else:
                kept = kept.filter(pl.col("call_id") != call.call_id)
                if digest and digest in by_audio:
                    frames.append(_relabel(by_audio[digest], call))
                    reused += 1
                else:
                    result = transcribe_call(call, path, digest, transcriber, options)
                    new.append(result)
                    by_audio[digest] = transcripts_frame([result])
                    transcribed += 1
        except MediaPathError as e:
            quarantine.append(QuarantineItem(STAGE, "calls.csv", call.call_id, call.line, e.reason, e.detail))
        except BadAudioError as e:
            quarantine.append(QuarantineItem(STAGE, call.audio, call.call_id, call.line, e.reason, e.detail))
            log.warning("call %s quarantined: %s", call.call_id, e)
        except Exception as e:  # one bad call must not stop the day: quarantine it and go on
            quarantine.append(QuarantineItem(STAGE, call.audio, call.call_id, call.line, "error",
                                              f"{type(e).__name__}: {e}"))
            log.exception("call %s failed", call.call_id)
        if len(new) >= options.checkpoint_every:
            flush()
        if progress:
            progress(i, len(calls))
    flush()
    write_quarantine(q_path, [quarantine_frame(quarantine)])
    return JobResult(transcribed, reused, skipped, tuple(quarantine), out_path, q_path)
