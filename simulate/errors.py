"""Errors raised by the simulator; messages say what to do."""

from ingest.errors import RiskgraphError


class SimulateError(RiskgraphError):
    """Base class for simulator errors."""


class MediaToolError(SimulateError):
    """An outside media tool (espeak-ng, ffmpeg, fc-list) is missing or failed."""
