"""Errors raised by asr/: missing or broken model files, bad audio, failed decoding."""

from ingest.errors import RiskgraphError


class AsrError(RiskgraphError):
    """Base of everything asr/ raises."""


class ModelFilesError(AsrError):
    """A model folder or checkpoint is missing, incomplete or corrupt."""


class BadAudioError(AsrError):
    """One audio file cannot be transcribed; `reason` is a stable quarantine code.

    Reasons: zero_bytes, not_audio, undecodable, silent, too_long, missing.
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class TranscriptionError(AsrError):
    """The speech model failed on an input it accepted."""
