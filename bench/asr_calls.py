"""The ASR batch job on a simulated day: language, accuracy, spoken ids found, speed, memory.

    riskgraph simulate --out SIM --date 2026-11-26 --accounts 300 --rings 3
    PYTHONPATH=. .venv/bin/python bench/asr_calls.py SIM/2026-11-26 SIM/truth/2026-11-26 [--no-language]

Runs `transcribe_day` exactly as the nightly job does (settings defaults, orders.csv for linking)
on the day's calls, then scores each call against the simulator's call_text.jsonl: language heard,
WER (en) / CER (zh), and whether each spoken order id and phone was extracted (and the order
linked to orders.csv). --no-language drops calls.csv's language column first, so routing rests on
detection. `--workers N` decodes in N spawned processes (the job's local executor; `asr_workers`),
each with `asr_threads` threads. Speed: whole-job wall time over audio seconds (x real time),
per-call p50/p95 latency, peak RSS of the largest process. The machine is shared, so the CPU time
the job used (this process and its workers) is reported too: audio seconds over (CPU seconds /
cores used) is the speed the job would have on that many cores of its own (an estimate that assumes
every thread stays busy).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from riskgraph.offline import configure_offline  # noqa: E402


@dataclass(frozen=True)
class TimedFactory:
    """Builds a worker's transcriber, timing every call into `log` (one line per call: latency, audio s)."""

    make: Callable[[], Any]
    log: Path

    def __call__(self) -> Timed:
        return Timed(self.make(), self.log)


class Timed:
    """The transcriber, timing every call (the job's per-call latency); workers append to one log."""

    def __init__(self, inner: Any, log: Path) -> None:
        self.inner, self.log = inner, log

    def transcribe(self, audio: np.ndarray, language: str | None = None) -> Any:
        return self.transcribe_channels([audio], language)

    def transcribe_channels(self, channels: list[np.ndarray], language: str | None = None) -> Any:
        t0 = time.perf_counter()
        out = self.inner.transcribe_channels(channels, language)
        with self.log.open("a", encoding="utf-8") as f:  # one short line per call: appends do not interleave
            f.write(f"{time.perf_counter() - t0:.4f} {max(len(c) for c in channels) / 16_000:.4f}\n")
        return out


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def copy_day(day: Path, dst: Path, drop_language: bool) -> Path:
    shutil.copytree(day, dst, ignore=shutil.ignore_patterns("parcels", "clicks"))
    if drop_language:
        rows = list(csv.DictReader((dst / "calls.csv").open(encoding="utf-8")))
        cols = [c for c in rows[0] if c != "language"] if rows else []
        with (dst / "calls.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, cols, extrasaction="ignore")
            w.writeheader()
            w.writerows(rows)
    return dst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("day", type=Path)
    ap.add_argument("truth", type=Path, help="the simulator's truth folder for that day (call_text.jsonl)")
    ap.add_argument("--no-language", action="store_true", help="drop calls.csv's language column")
    ap.add_argument("--workers", type=int, help="decoding processes (default: the asr_workers setting)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="asr-calls-") as tmp:
        configure_offline(Path(tmp) / "var")
        import polars as pl

        from asr import JobOptions, make_transcriber, transcribe_day
        from asr.scoring import error_rate
        from ingest.executor import local_executor
        from riskgraph.settings import load_settings
        from riskgraph.wiring import asr_config, entity_config

        settings = load_settings()  # RISKGRAPH_ASR_* variables apply (e.g. RISKGRAPH_ASR_BEAM_SIZE=1)
        day = copy_day(args.day, Path(tmp) / "day", args.no_language)
        config = asr_config(settings)
        workers = args.workers or settings.asr_workers
        log = Path(tmp) / "latency.txt"
        factory = TimedFactory(partial(make_transcriber, type(config)(**{**config.__dict__,
                                                                       "cache_dir": ROOT / "var" / "cache" / "asr"})), log)
        t0, cpu0, kids0 = time.perf_counter(), time.process_time(), _children_cpu()
        result = transcribe_day(day, Path(tmp) / "work", factory, JobOptions(entities=entity_config(settings, day)),
                                executor=local_executor(workers))
        wall = time.perf_counter() - t0
        cpu = time.process_time() - cpu0 + _children_cpu() - kids0  # the pool's workers have exited by now
        got = {r["call_id"]: r for r in pl.read_parquet(result.transcripts_path).to_dicts()}
        lat, audio_s = [], 0.0
        for line in log.read_text(encoding="utf-8").splitlines():
            seconds, audio = line.split()
            lat.append(float(seconds))
            audio_s += float(audio)
    truth = [json.loads(line) for line in (args.truth / "call_text.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = []
    for t in truth:
        r = got.get(t["call_id"])
        ents = r["entities"] if r else []
        orders = {e["value"] for e in ents if e["kind"] == "order_id"}
        linked = {e["value"] for e in ents if e["kind"] == "order_id" and e["linked"]}
        phones = {e["value"] for e in ents if e["kind"] == "phone"}
        rows.append({"call_id": t["call_id"], "lang": t["language"], "heard": r["language"] if r else None,
                     "error": error_rate(t["text"], r["text"], t["language"]) if r else 1.0,
                     "orders": [(o, o in orders, o in linked) for o in t["order_ids"]],
                     "phones": [(p, p in phones) for p in t["phones"]], "text": r["text"] if r else None,
                     "flags": r["confidences"]["flags"] if r else []})
    print(f"calls {len(truth)} ({'language detected' if args.no_language else 'language from calls.csv'}), "
          f"quarantined {len(result.quarantine)}")
    for lang, metric in (("en", "WER"), ("zh", "CER")):
        sel = [r for r in rows if r["lang"] == lang]
        if not sel:
            continue
        said_orders = [o for r in sel for o in r["orders"]]
        said_phones = [p for r in sel for p in r["phones"]]
        print(f"{lang}: {len(sel)} calls, language right {sum(r['heard'] == lang for r in sel)}, "
              f"mean {metric} {np.mean([r['error'] for r in sel]):.3f} (max {max(r['error'] for r in sel):.3f}), "
              f"order ids found {sum(o[1] for o in said_orders)}/{len(said_orders)} (linked {sum(o[2] for o in said_orders)}), "
              f"phones found {sum(p[1] for p in said_phones)}/{len(said_phones)}, "
              f"flagged {sum(bool(r['flags']) for r in sel)}")
    ids = [o[1] for r in rows for o in r["orders"]] + [p[1] for r in rows for p in r["phones"]]
    print(f"spoken ids extracted: {sum(ids)}/{len(ids)} = {sum(ids) / max(len(ids), 1):.1%}")
    cores = workers * config.threads
    rss = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(f"speed: {audio_s:.0f} s of audio in {wall:.1f} s wall = {audio_s / wall:.1f}x real time "
          f"({workers} worker(s) x {config.threads} thread(s)); per call p50 {np.percentile(lat, 50):.2f} s, "
          f"p95 {np.percentile(lat, 95):.2f} s; peak RSS {rss / 1024:.0f} MiB (largest process)")
    print(f"CPU time {cpu:.1f} s on {cores} threads: {audio_s / (cpu / cores):.1f}x real time "
          f"on {cores} cores of its own; load average {os.getloadavg()[0]:.1f} at the end")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
