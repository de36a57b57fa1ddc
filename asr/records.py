"""Records the batch job produces."""

from __future__ import annotations

from dataclasses import dataclass

from asr.signals import ComplaintSignals
from asr.transcript import Transcript


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
