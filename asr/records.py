"""Records the batch job produces."""

from __future__ import annotations

from dataclasses import dataclass

from asr.signals import ComplaintSignals
from asr.transcript import Transcript


@dataclass(frozen=True)
class QuarantineRecord:
    """An item the job could not use; same shape as ingest's quarantine."""

    item: str  # call_id (or file:line when the row has none)
    source: str  # the audio path or csv location
    reason: str  # stable code: zero_bytes, not_audio, undecodable, silent, too_long, missing, no_audio, bad_row, ...
    detail: str  # human-readable explanation


@dataclass(frozen=True)
class CallTranscript:
    """One transcribed call: the row from calls.csv, its transcript and complaint signals."""

    call_id: str
    caller_phone: str | None
    account_id: str | None
    started_at: str
    audio: str
    audio_sha256: str
    transcript: Transcript
    signals: ComplaintSignals
