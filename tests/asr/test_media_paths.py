"""Audio paths in calls.csv are confined to the day folder before ffprobe or a decoder sees them."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from asr import Transcript, transcribe_day
from tests.asr.test_job import row, write_calls


class NeverCalled:
    def transcribe(self, audio: np.ndarray, language: str | None = None) -> Transcript:
        raise AssertionError("no audio outside the day folder may reach the transcriber")


def test_audio_outside_the_day_folder_is_quarantined_unopened(tmp_path: Path) -> None:
    day = tmp_path / "day"
    (day / "calls").mkdir(parents=True)
    os.symlink("/etc/passwd", day / "calls" / "link.wav")
    write_calls(day, [row("K1", "/etc/passwd"), row("K2", "../../../../etc/passwd"), row("K3", "calls/link.wav"),
                      row("K4", "")])  # K4: a call without a recording is not bad data
    result = transcribe_day(day, tmp_path / "work", NeverCalled)
    assert [(q.item, q.source, q.reason) for q in result.quarantine] == [
        ("K1", "calls.csv", "path_outside_day"), ("K2", "calls.csv", "path_outside_day"),
        ("K3", "calls.csv", "path_outside_day")]
    assert result.transcribed == 0
