"""Real speech for tests, made with espeak-ng at test time, plus every kind of bad audio file.

Mandarin goes through pypinyin (tone numbers) into espeak-ng's `cmn-latn-pinyin` voice: the plain
`cmn` voice reads characters badly (tone digits come out as English words).
"""

from __future__ import annotations

import re
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pypinyin import Style, lazy_pinyin

RATE = 16_000


@dataclass(frozen=True)
class Clip:
    """A scripted call: what is said, what it means, and what the audio file is."""

    name: str
    language: str
    spoken: str  # text fed to the synthesizer (digits as words, so they are read one by one)
    reference: str  # what a perfect transcript says (ids as digits)
    intent: str
    order_id: str | None = None
    phone: str | None = None  # E.164


def speak_en(text: str, path: Path, speed: int = 140) -> Path:
    # -g 4: a 40 ms gap between words keeps read-out digits apart.
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", str(speed), "-g", "4", "-w", str(path), text], check=True)
    return path


def pinyin(text: str) -> str:
    """Tone-numbered pinyin; Chinese punctuation becomes a comma pause."""
    syllables = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True,
                            errors=lambda s: ", " if re.search(r"[，。！？、,.!?]", s) else s)
    return " ".join(syllables)


def speak_zh(text: str, path: Path, speed: int = 110) -> Path:
    subprocess.run(["espeak-ng", "-v", "cmn-latn-pinyin", "-s", str(speed), "-w", str(path), pinyin(text)],
                   check=True)
    return path


def speak(clip: Clip, folder: Path) -> Path:
    path = folder / f"{clip.name}.wav"
    return speak_en(clip.spoken, path) if clip.language == "en" else speak_zh(clip.spoken, path)


def write_wav(path: Path, samples: np.ndarray) -> Path:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    return path


def bad_audio(folder: Path, speech: Path, too_long_s: float) -> dict[str, Path]:
    """One file per quarantine reason, keyed by the reason the job must give."""
    folder.mkdir(parents=True, exist_ok=True)
    flac = folder / "speech.flac"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(speech), str(flac)], check=True)
    garbled = bytearray(flac.read_bytes())
    rng = np.random.default_rng(7)
    garbled[200:] = rng.integers(0, 256, len(garbled) - 200, dtype=np.uint8).tobytes()  # keep the header
    (folder / "undecodable.flac").write_bytes(bytes(garbled))
    (folder / "zero_bytes.wav").write_bytes(b"")
    (folder / "not_audio.wav").write_text("this is a text file, not a recording\n")
    write_wav(folder / "silent.wav", np.zeros(RATE * 3))
    t = np.arange(int(RATE * (too_long_s + 2))) / RATE
    write_wav(folder / "too_long.wav", 0.3 * np.sin(2 * np.pi * 440 * t))
    return {reason: folder / f"{reason}{'.flac' if reason == 'undecodable' else '.wav'}"
            for reason in ("undecodable", "zero_bytes", "not_audio", "silent", "too_long")}
