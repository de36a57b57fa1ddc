"""Audio files -> 16 kHz mono float32 PCM, or a BadAudioError with a quarantine reason.

The only place that runs ffmpeg/ffprobe. Reasons, checked in this order:
  missing      the file does not exist
  zero_bytes   the file is empty
  not_audio    ffprobe finds no audio stream (text, image, random bytes...)
  too_long     longer than the configured limit (checked before decoding, so it stays cheap)
  undecodable  looks like audio but decoding fails or yields no samples (corrupt, truncated)
  silent       decodes, but the RMS level is below SILENCE_RMS
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np

from asr.errors import BadAudioError
from asr.transcript import SAMPLE_RATE

SILENCE_RMS = 1e-3  # about -60 dBFS: below any real call, above dither
_TIMEOUT_S = 300


def probe(path: Path) -> float | None:
    """Duration in seconds if ffprobe finds an audio stream (None when it reports no duration)."""
    proc = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_type:format=duration", "-of", "json", str(path)],
        capture_output=True, text=True, timeout=_TIMEOUT_S, check=False)
    info = json.loads(proc.stdout or "{}") if proc.stdout.strip().startswith("{") else {}
    streams = [s for s in info.get("streams", []) if s.get("codec_type") == "audio"]
    if not streams:
        message = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "no audio stream"
        if "Invalid data" in message or proc.returncode == 0:
            raise BadAudioError("not_audio", message)
        raise BadAudioError("undecodable", message)
    duration = info.get("format", {}).get("duration")
    try:
        return float(duration) if duration is not None else None
    except ValueError:
        return None


def decode(path: Path, max_seconds: float) -> np.ndarray:
    """Decode at most max_seconds + 1 s of audio (float32 [n_samples] at SAMPLE_RATE)."""
    proc = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-threads", "0", "-i", str(path), "-t", f"{max_seconds + 1:.3f}",
         "-f", "f32le", "-ac", "1", "-ar", str(SAMPLE_RATE), "-"],
        capture_output=True, timeout=_TIMEOUT_S, check=False)
    samples = np.frombuffer(proc.stdout, dtype="<f4")
    if proc.returncode != 0 or samples.size == 0:
        detail = proc.stderr.decode(errors="replace").strip().splitlines()
        raise BadAudioError("undecodable", detail[-1] if detail else "ffmpeg produced no samples")
    return samples.astype(np.float32)


def load_audio(path: Path, max_seconds: float) -> np.ndarray:
    """The recording as float32 PCM [n_samples] at SAMPLE_RATE; raises BadAudioError (see module doc)."""
    if not path.is_file():
        raise BadAudioError("missing", f"{path} does not exist")
    if path.stat().st_size == 0:
        raise BadAudioError("zero_bytes", f"{path} is empty")
    duration = probe(path)
    if duration is not None and duration > max_seconds:
        raise BadAudioError("too_long", f"{duration:.1f} s is over the {max_seconds:.0f} s limit")
    audio = decode(path, max_seconds)
    seconds = audio.size / SAMPLE_RATE
    if seconds > max_seconds:
        raise BadAudioError("too_long", f"{seconds:.1f}+ s is over the {max_seconds:.0f} s limit")
    rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64))))
    if rms < SILENCE_RMS:
        raise BadAudioError("silent", f"RMS level {rms:.2e} over {seconds:.1f} s is below {SILENCE_RMS:.0e}")
    return audio
