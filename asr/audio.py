"""Audio files -> 16 kHz float32 PCM (mono, or one array per speaker channel), or a BadAudioError.

The only place that runs ffmpeg/ffprobe. ffmpeg decodes what call centres store: 8 kHz G.711
mu-law/A-law WAV, GSM (.gsm, GSM-in-WAV), AMR-NB, MP3, FLAC, PCM at any rate; it resamples once,
to 16 kHz. A stereo call (agent and customer on separate channels) keeps its channels
(`load_channels`); a stereo file whose channels are the same signal, or whose other channel is
silent, is one speaker. Reasons, checked in this order:
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
# Samples are rounded down to 14 bits (16-bit value // 4). A G.711 line carries at most ~13 bits, so
# nothing a call holds is lost, and a change in the lowest two bits of 16-bit PCM (dither, a re-encode)
# can no longer move the VAD's boundaries or flip a near-tie in the decoder: the same call, same text.
QUANT = 2.0 ** -13
_TIMEOUT_S = 300


SAME_CHANNEL_CORR = 0.98  # channels this correlated are one signal copied (a mono call saved as stereo)


def probe(path: Path) -> float | None:
    """Duration in seconds if ffprobe finds an audio stream (None when it reports no duration)."""
    return _probe(path)[0]


def _probe(path: Path) -> tuple[float | None, int]:
    """(duration in seconds or None, channels of the first audio stream)."""
    proc = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_type,channels:format=duration", "-of", "json",
         str(path)],
        capture_output=True, text=True, timeout=_TIMEOUT_S, check=False)
    info = json.loads(proc.stdout or "{}") if proc.stdout.strip().startswith("{") else {}
    streams = [s for s in info.get("streams", []) if s.get("codec_type") == "audio"]
    if not streams:
        message = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "no audio stream"
        if "Invalid data" in message or proc.returncode == 0:
            raise BadAudioError("not_audio", message)
        raise BadAudioError("undecodable", message)
    duration = info.get("format", {}).get("duration")
    channels = int(streams[0].get("channels") or 1)
    try:
        return (float(duration) if duration is not None else None), channels
    except ValueError:
        return None, channels


def decode(path: Path, max_seconds: float, channels: int = 1) -> np.ndarray:
    """Decode at most max_seconds + 1 s of audio: float32 [channels, n_samples] at SAMPLE_RATE."""
    proc = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-threads", "0", "-i", str(path), "-t", f"{max_seconds + 1:.3f}",
         "-f", "f32le", "-ac", str(channels), "-ar", str(SAMPLE_RATE), "-"],
        capture_output=True, timeout=_TIMEOUT_S, check=False)
    samples = np.frombuffer(proc.stdout, dtype="<f4")
    if proc.returncode != 0 or samples.size < channels:
        detail = proc.stderr.decode(errors="replace").strip().splitlines()
        raise BadAudioError("undecodable", detail[-1] if detail else "ffmpeg produced no samples")
    frames = samples[: samples.size - samples.size % channels].reshape(-1, channels).T
    return np.floor(frames / QUANT).astype(np.float32) * np.float32(QUANT)


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if x.size else 0.0


def _speakers(frames: np.ndarray) -> list[np.ndarray]:
    """One array per channel that carries its own voice: copies merge, silent channels drop."""
    if frames.shape[0] == 1:
        return [frames[0]]
    live = [c for c in frames if _rms(c) >= SILENCE_RMS]
    if len(live) == 2:
        a, b = (c.astype(np.float64) - c.mean() for c in live)
        corr = float(np.dot(a, b) / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-12))
        if corr >= SAME_CHANNEL_CORR:
            return [frames.mean(axis=0).astype(np.float32)]
    return [np.ascontiguousarray(c) for c in live] or [frames.mean(axis=0).astype(np.float32)]


def load_channels(path: Path, max_seconds: float) -> list[np.ndarray]:
    """The recording as one float32 array per speaker channel (mono: one); raises BadAudioError."""
    if not path.is_file():
        raise BadAudioError("missing", f"{path} does not exist")
    if path.stat().st_size == 0:
        raise BadAudioError("zero_bytes", f"{path} is empty")
    duration, channels = _probe(path)
    if duration is not None and duration > max_seconds:
        raise BadAudioError("too_long", f"{duration:.1f} s is over the {max_seconds:.0f} s limit")
    frames = decode(path, max_seconds, 2 if channels == 2 else 1)  # more than two: mixed down to one
    seconds = frames.shape[1] / SAMPLE_RATE
    if seconds > max_seconds:
        raise BadAudioError("too_long", f"{seconds:.1f}+ s is over the {max_seconds:.0f} s limit")
    rms = max(_rms(c) for c in frames)
    if rms < SILENCE_RMS:
        raise BadAudioError("silent", f"RMS level {rms:.2e} over {seconds:.1f} s is below {SILENCE_RMS:.0e}")
    return _speakers(frames)


def load_audio(path: Path, max_seconds: float) -> np.ndarray:
    """The recording mixed to mono, float32 PCM [n_samples] at SAMPLE_RATE; raises BadAudioError."""
    channels = load_channels(path, max_seconds)
    return channels[0] if len(channels) == 1 else np.mean(channels, axis=0).astype(np.float32)
