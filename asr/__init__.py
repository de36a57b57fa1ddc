"""asr: call recordings -> transcripts and complaint signals, on real Whisper weights.

Public surface; everything else in the package is internal.
"""

from asr.entities import Entity, EntityConfig
from asr.job import JobOptions, JobResult, transcribe_day
from asr.records import CallTranscript
from asr.signals import ComplaintSignals, extract_signals
from asr.transcriber import AsrConfig, make_transcriber
from asr.transcript import SAMPLE_RATE, Segment, Transcriber, Transcript

__all__ = [
    "SAMPLE_RATE", "AsrConfig", "CallTranscript", "ComplaintSignals", "Entity", "EntityConfig", "JobOptions", "JobResult",
    "Segment", "Transcriber", "Transcript", "convert", "extract_signals",
    "make_transcriber", "transcribe_day",
]


def __getattr__(name: str) -> object:
    """`asr.convert` is imported on first use: it needs torch, which costs seconds to import."""
    if name == "convert":
        from asr.convert import convert

        return convert
    raise AttributeError(f"module 'asr' has no attribute {name!r}")
