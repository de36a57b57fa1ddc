"""vision/'s errors: a bad photo (quarantined per item) and a broken setup (stops the job)."""

from __future__ import annotations

from ingest.errors import RiskgraphError


class VisionError(RiskgraphError):
    """vision/ cannot run as configured (missing weights, no Tesseract); the message says what to do."""


class BadPhotoError(VisionError):
    """One photo cannot be read; `reason` is a short stable code written to quarantine."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason  # empty_file | not_an_image | truncated | too_many_pixels | no_label | ocr_empty
        self.detail = detail
