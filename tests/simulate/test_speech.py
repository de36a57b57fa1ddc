"""Calls: real espeak-ng and ffmpeg; every file must decode as 16 kHz mono audio."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from simulate.media.speech import Voice, espeak_text, pick_voice, render_call

ZH = "您好，我的订单号是4812039957，包裹是空的。"
EN = "Hi, my order 4812039957 arrived empty. Call me at 415 555 0123."


def _probe(path: Path) -> dict[str, object]:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,sample_rate,channels:format=duration",
                          "-of", "json", str(path)], check=True, capture_output=True, text=True).stdout
    data = json.loads(out)
    return {**data["streams"][0], "duration": float(data["format"]["duration"])}


def test_chinese_becomes_tone_number_pinyin_with_digits_read_one_by_one() -> None:
    text = espeak_text(ZH, "zh")
    assert "ding4 dan1" in text and "si4 ba1 yi1 er4 ling2 san1 jiu3 jiu3 wu3 qi1" in text
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_english_digits_are_spaced() -> None:
    assert "4 8 1 2 0 3 9 9 5 7" in espeak_text(EN, "en")


@pytest.mark.parametrize("fmt,codec", [("wav", "pcm_s16le"), ("mp3", "mp3"), ("flac", "flac")])
@pytest.mark.parametrize("lang,text", [("zh", ZH), ("en", EN)])
def test_rendered_call_decodes_as_telephone_audio(lang: str, text: str, fmt: str, codec: str, tmp_path: Path) -> None:
    voice = pick_voice(lang, np.random.default_rng(3), noise_probability=1.0)
    out = render_call(text, lang, voice, tmp_path / f"c.{fmt}")
    info = _probe(out)
    assert info["codec_name"] == codec and info["sample_rate"] == "16000" and info["channels"] == 1
    assert isinstance(info["duration"], float) and info["duration"] > 2.0
    assert not list(tmp_path.glob("*.tmp"))


def test_wav_is_bit_exact_for_the_same_voice(tmp_path: Path) -> None:
    voice = Voice("en-us", 150, 50, 0.03, 12345)
    a = render_call(EN, "en", voice, tmp_path / "a.wav").read_bytes()
    b = render_call(EN, "en", voice, tmp_path / "b.wav").read_bytes()
    assert a == b


def test_band_limit_removes_energy_above_3400_hz(tmp_path: Path) -> None:
    out = render_call(EN, "en", Voice("en-us", 150, 50, 0.0, 1), tmp_path / "c.wav")
    pcm = np.frombuffer(out.read_bytes()[44:], dtype=np.int16).astype(np.float64)
    spec = np.abs(np.fft.rfft(pcm)) ** 2
    freqs = np.fft.rfftfreq(pcm.size, d=1 / 16000)
    assert spec[freqs > 4200].sum() < 0.01 * spec[(freqs > 300) & (freqs < 3400)].sum()
