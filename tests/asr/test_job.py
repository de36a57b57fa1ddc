"""The batch job on a real day folder: good calls transcribed, every bad kind quarantined, re-runs resume."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from asr import EntityConfig, JobOptions, Transcript, transcribe_day
from asr.transcriber import RoutingTranscriber
from testing.audio import Clip, bad_audio

MAX_SECONDS = 25.0


class Counting:
    """The real transcriber, counting calls (to prove a re-run decodes nothing)."""

    def __init__(self, inner: RoutingTranscriber) -> None:
        self.inner, self.calls = inner, 0

    def transcribe(self, audio: np.ndarray, language: str | None = None) -> Transcript:
        self.calls += 1
        return self.inner.transcribe(audio, language)

    def transcribe_channels(self, channels: list[np.ndarray], language: str | None = None) -> Transcript:
        self.calls += 1
        return self.inner.transcribe_channels(channels, language)


def write_calls(day: Path, rows: list[dict[str, str]]) -> None:
    with (day / "calls.csv").open("w", newline="") as f:
        w = csv.DictWriter(f, ["call_id", "caller_phone", "account_id", "audio", "started_at", "language"])
        w.writeheader()
        w.writerows(rows)


def row(call_id: str, audio: str, phone: str = "138 1234 5678", language: str = "en") -> dict[str, str]:
    return {"call_id": call_id, "caller_phone": phone, "account_id": "", "audio": audio,
            "started_at": "2026-11-26T10:00:00+08:00", "language": language}


@pytest.mark.integration
def test_day_with_good_and_bad_audio(tmp_path: Path, transcriber: RoutingTranscriber,
                                     english_clips: list[tuple[Clip, Path, np.ndarray]]) -> None:
    day, work = tmp_path / "day", tmp_path / "work"
    (day / "calls").mkdir(parents=True)
    good = english_clips[:2]
    for _clip, path, _ in good:
        shutil.copy(path, day / "calls" / path.name)
    shutil.copy(good[0][1], day / "calls" / "copy.wav")  # same bytes as the first call
    bad = bad_audio(day / "calls", good[0][1], too_long_s=MAX_SECONDS)
    rows = [row(f"c{i}", f"calls/{p.name}") for i, (_, p, _) in enumerate(good)]
    rows.append(row("c-copy", "calls/copy.wav", phone="+1 (415) 286-0193"))
    rows += [row(f"bad-{reason}", f"calls/{p.name}") for reason, p in bad.items()]
    rows += [row("bad-missing", "calls/nowhere.wav"), row("", "calls/x.wav")]
    write_calls(day, rows)

    counting = Counting(transcriber)
    known = EntityConfig(known_orders=frozenset({good[0][0].order_id or ""}))
    result = transcribe_day(day, work, lambda: counting, JobOptions(max_seconds=MAX_SECONDS, entities=known))
    assert (result.transcribed, result.reused, result.skipped) == (2, 1, 0)
    reasons = {q.item: q.reason for q in result.quarantine if q.item and q.item.startswith("bad-")}
    assert reasons == {**{f"bad-{r}": r for r in bad}, "bad-missing": "missing"}
    assert set(bad) == {"undecodable", "zero_bytes", "not_audio", "silent", "too_long"}
    assert [(q.item, q.source, q.line, q.reason) for q in result.quarantine if q.item is None] \
        == [(None, "calls.csv", 11, "missing_field")]  # the row with no call_id

    df = pl.read_parquet(work / "transcripts.parquet").sort("call_id")
    assert df["call_id"].to_list() == ["c-copy", "c0", "c1"]
    assert df.filter(pl.col("call_id") == "c-copy")["text"].item() == df.filter(pl.col("call_id") == "c0")["text"].item()
    assert df["caller_phone"].to_list() == ["+14152860193", "+8613812345678", "+8613812345678"]
    first = df.filter(pl.col("call_id") == "c0").row(0, named=True)
    assert first["language"] == "en" and first["model"] == "tiny.en" and first["backend"] == "faster-whisper/int8"
    assert first["intents"][0] == good[0][0].intent and first["segments"]
    assert {"kind": "order_id", "value": good[0][0].order_id, "text": good[0][0].order_id, "linked": True} \
        in first["entities"]  # linked: the order is one the day knows
    assert first["confidences"]["flags"] == [] and [s["channel"] for s in first["segments"]] == [0] * len(
        first["segments"])
    assert first["confidences"]["avg_logprob"] < 0 and 0 <= first["confidences"]["no_speech_prob"] <= 1
    q = pl.read_parquet(work / "quarantine" / "asr.parquet")
    assert q.columns == ["stage", "source", "item", "line", "reason", "detail"] and q.height == len(result.quarantine)
    assert set(q["stage"]) == {"asr"}

    again = Counting(transcriber)
    rerun = transcribe_day(day, work, lambda: again, JobOptions(max_seconds=MAX_SECONDS))
    assert (rerun.transcribed, rerun.reused, rerun.skipped, again.calls) == (0, 0, 3, 0)
    assert pl.read_parquet(work / "transcripts.parquet").height == 3


class Reversed:
    """An executor that finishes items last-first, as a cluster may: the job must not care."""

    def map_unordered(self, factory, items):  # type: ignore[no-untyped-def]
        from ingest.executor import InProcess

        yield from reversed(list(InProcess().map_unordered(factory, items)))


@pytest.mark.integration
def test_outputs_do_not_depend_on_the_order_items_finish(tmp_path: Path, transcriber: RoutingTranscriber,
                                                         english_clips: list[tuple[Clip, Path, np.ndarray]]) -> None:
    day = tmp_path / "day"
    (day / "calls").mkdir(parents=True)
    for _clip, path, _ in english_clips[:2]:
        shutil.copy(path, day / "calls" / path.name)
    shutil.copy(english_clips[0][1], day / "calls" / "copy.wav")
    (day / "calls" / "empty.wav").write_bytes(b"")
    names = [p.name for _, p, _ in english_clips[:2]]
    write_calls(day, [row("c-copy", "calls/copy.wav"), row("c0", f"calls/{names[0]}"), row("e", "calls/empty.wav"),
                      row("c1", f"calls/{names[1]}")])
    counting = Counting(transcriber)
    first = transcribe_day(day, tmp_path / "a", lambda: counting, JobOptions(max_seconds=MAX_SECONDS))
    second = transcribe_day(day, tmp_path / "b", lambda: transcriber, JobOptions(max_seconds=MAX_SECONDS),
                            executor=Reversed())
    assert counting.calls == 2  # copy.wav and c0 share bytes: decoded once
    assert (first.transcribed, first.reused) == (second.transcribed, second.reused) == (2, 1)
    for name in ("transcripts.parquet", "quarantine/asr.parquet"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert pl.read_parquet(tmp_path / "b" / "transcripts.parquet")["call_id"].to_list() == ["c-copy", "c0", "c1"]
