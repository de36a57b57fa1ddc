"""Parquet I/O for the batch job: transcripts.parquet and quarantine/asr.parquet (atomic writes)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from asr.records import CallTranscript
from ingest.parquet import write_table

TRANSCRIPTS_FILE = "transcripts.parquet"
QUARANTINE_FILE = Path("quarantine") / "asr.parquet"

SEGMENT = pl.Struct({"start": pl.Float64, "end": pl.Float64, "text": pl.String,
                     "avg_logprob": pl.Float64, "no_speech_prob": pl.Float64, "channel": pl.Int64})
ENTITY = pl.Struct({"kind": pl.String, "value": pl.String, "text": pl.String, "linked": pl.Boolean})
CONFIDENCES = pl.Struct({"avg_logprob": pl.Float64, "no_speech_prob": pl.Float64,
                         "language_probability": pl.Float64, "flags": pl.List(pl.String)})
_TRANSCRIPT_COLUMNS: dict[str, pl.DataType] = {
    "call_id": pl.String(), "caller_phone": pl.String(), "account_id": pl.String(), "started_at": pl.String(),
    "language": pl.String(), "channel_languages": pl.List(pl.String()), "text": pl.String(), "segments": pl.List(SEGMENT), "confidences": CONFIDENCES,
    "intents": pl.List(pl.String()), "keywords": pl.List(pl.String()), "entities": pl.List(ENTITY),
    "model": pl.String(), "backend": pl.String(), "audio": pl.String(), "audio_sha256": pl.String(),
    "duration_s": pl.Float64(),
}
TRANSCRIPT_SCHEMA = pl.Schema(_TRANSCRIPT_COLUMNS)
_ARROW_SCHEMA = pl.DataFrame(schema=TRANSCRIPT_SCHEMA).to_arrow().schema


def transcript_row(c: CallTranscript) -> dict[str, Any]:
    t = c.transcript
    return {
        "call_id": c.call_id, "caller_phone": c.caller_phone, "account_id": c.account_id,
        "started_at": c.started_at, "language": t.language, "channel_languages": list(t.channel_languages),
        "text": t.text,
        "segments": [{"start": s.start, "end": s.end, "text": s.text, "avg_logprob": s.avg_logprob,
                      "no_speech_prob": s.no_speech_prob, "channel": s.channel} for s in t.segments],
        "confidences": {"avg_logprob": t.avg_logprob, "no_speech_prob": t.no_speech_prob,
                        "language_probability": t.language_probability, "flags": list(t.flags)},
        "intents": list(c.signals.intents), "keywords": list(c.signals.keywords),
        "entities": [{"kind": e.kind, "value": e.value, "text": e.text, "linked": e.linked}
                     for e in c.signals.entities],
        "model": t.model, "backend": t.backend, "audio": c.audio, "audio_sha256": c.audio_sha256,
        "duration_s": t.duration,
    }


def transcripts_frame(calls: Sequence[CallTranscript]) -> pl.DataFrame:
    return pl.DataFrame([transcript_row(c) for c in calls], schema=TRANSCRIPT_SCHEMA)


def read_transcripts(path: Path) -> pl.DataFrame:
    """Existing transcripts (an empty frame when there is no file yet)."""
    if not path.is_file():
        return pl.DataFrame(schema=TRANSCRIPT_SCHEMA)
    df = pl.read_parquet(path)
    if df.schema != TRANSCRIPT_SCHEMA:  # written by an older version: transcribe again rather than mix shapes
        return pl.DataFrame(schema=TRANSCRIPT_SCHEMA)
    return df.select(list(TRANSCRIPT_SCHEMA.names()))


def write_transcripts(df: pl.DataFrame, path: Path) -> None:
    """Atomic write with exactly TRANSCRIPT_SCHEMA (see ingest.parquet.write_table)."""
    write_table(df, path, _ARROW_SCHEMA)
