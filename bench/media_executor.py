"""Items/s of the media stages, local executor vs Ray, on one machine.

    PYTHONPATH=. python -m bench.media_executor --photos 16 --copies 2 [--ray-address HOST:PORT]

ASR: the real clips of ../shared/asr-dev (8 recordings, 47.7 s of speech; `--copies k` adds k-1
re-levelled copies of each, distinct bytes, so nothing is deduplicated), transcribed by
`transcribe_day`. Vision: `--photos` rendered default-difficulty labels through `read_day`.
Local is what riskgraph runs without Ray: ASR in this process (`asr_threads` threads), vision
in `vision_workers` processes. Ray: a Ray started in this process (or `--ray-address`), one
actor per CPU with one CPU (and one decoder thread) each. Wall times include the workers'
start-up (model loads), which a stage pays on every run; Ray's own start is printed apart.
Both runs' outputs are compared byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np

from riskgraph.offline import configure_offline
from riskgraph.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
ASR_DEV = next((p / "shared" / "asr-dev" for p in ROOT.parents if (p / "shared" / "asr-dev").is_dir()), ROOT)


def asr_day(day: Path, copies: int) -> int:
    (day / "calls").mkdir(parents=True)
    lang = {json.loads(x)["id"]: json.loads(x)["lang"] for x in (ASR_DEV / "truth.jsonl").read_text().splitlines()}
    rows = []
    for clip in sorted(ASR_DEV.glob("*.wav")):
        for k in range(copies):
            dst = day / "calls" / f"{clip.stem}_{k}.wav"
            if k == 0:
                shutil.copy(clip, dst)
            else:  # real speech, other bytes: a quieter copy
                subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(clip), "-af", f"volume={1 - 0.1 * k:.2f}",
                                str(dst)], check=True)
            rows.append([f"C{len(rows)}", "13812345678", "", f"calls/{dst.name}", "2026-11-27T10:00:00+08:00",
                         lang[clip.stem.split("_")[0]]])
    with (day / "calls.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["call_id", "caller_phone", "account_id", "audio", "started_at", "language"])
        w.writerows(rows)
    return len(rows)


def vision_day(day: Path, photos: int) -> None:
    from simulate.detector_data import random_label_text
    from simulate.media.parcel import render_parcel_photo

    (day / "parcels").mkdir(parents=True, exist_ok=True)
    with (day / "returns.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["return_id", "order_id", "account_id", "reason", "photo", "created_at"])
        for i in range(photos):
            rng = np.random.default_rng([4343, i])
            render_parcel_photo(random_label_text(rng, "zh" if i % 2 == 0 else "en"), rng).image.save(
                day / "parcels" / f"{i}.jpg", quality=90)
            w.writerow([f"R{i}", "O", "A", "r", f"parcels/{i}.jpg", "2026-11-27T10:00:00+08:00"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=16)
    ap.add_argument("--copies", type=int, default=1, help="copies of each asr-dev clip (distinct bytes)")
    ap.add_argument("--ray-address", default=None, help="a running cluster; default: start Ray here")
    ap.add_argument("--two-nodes", action="store_true",
                    help="start the tests' 2-node cluster on this machine (1 CPU each) and use it")
    ap.add_argument("--stages", default="asr,vision")
    ap.add_argument("--skip-local", action="store_true", help="Ray runs only (no byte comparison)")
    args = ap.parse_args()
    settings = load_settings()
    configure_offline(settings.var_dir)

    print(f"load average at start: {os.getloadavg()}")
    run_all(args, settings)


def run_all(args: argparse.Namespace, settings: Settings) -> None:
    """Local first (its figures survive a Ray that cannot start on a loaded machine), then Ray."""
    from asr import JobOptions, make_transcriber, transcribe_day
    from ingest.executor import Executor, InProcess, local_executor
    from riskgraph.ray_executor import RayConfig, RayExecutor
    from riskgraph.wiring import asr_config
    from vision import DEFAULT_WEIGHTS
    from vision.batch import ReaderSpec, read_day

    stages = args.stages.split(",")
    with tempfile.TemporaryDirectory(prefix="bench-media-") as tmp:
        day = Path(tmp) / "day"
        counts = {"asr": asr_day(day, args.copies), "vision": args.photos}
        vision_day(day, args.photos)
        cfg = asr_config(settings)

        def run(stage: str, name: str, ex: Executor, threads: int) -> None:
            work = Path(tmp) / f"{stage}-{name}"
            t = time.perf_counter()
            if stage == "asr":
                transcribe_day(day, work, partial(make_transcriber, replace(cfg, threads=threads)), JobOptions(),
                               executor=ex)
            else:
                read_day(day, work, ReaderSpec(weights=DEFAULT_WEIGHTS), executor=ex)
            wall = time.perf_counter() - t
            where = f", items per node {sorted(ex.nodes.values())}" if isinstance(ex, RayExecutor) else ""
            print(f"{stage} {name}: {counts[stage]} items in {wall:.1f} s = {counts[stage] / wall:.2f} items/s{where} "
                  f"(load {os.getloadavg()[0]:.1f})")

        for stage in stages if not args.skip_local else ():
            run(stage, "local", InProcess() if stage == "asr" else local_executor(settings.vision_workers),
                settings.asr_threads)
        cluster = None
        ray_tmp = tempfile.mkdtemp(prefix="rg-ray-")  # short: Ray's socket paths must fit 107 bytes
        ray = RayExecutor(RayConfig(address=args.ray_address, cpus_per_worker=1, var_dir=str(settings.var_dir),
                                    temp_dir=ray_tmp))
        try:
            t = time.perf_counter()
            if args.two_nodes:
                from testing.ray_cluster import start_cluster

                cluster = start_cluster()
                ray = RayExecutor(replace(ray.config, address=cluster.address))
            ray.connect()
            print(f"ray: {'2-node cluster started and ' if cluster else ''}connected in {time.perf_counter() - t:.1f} s")
            for stage in stages:
                run(stage, "ray", ray, 1)
                if args.skip_local:
                    continue
                files = ["transcripts.parquet", "quarantine/asr.parquet"] if stage == "asr" else [
                    "label_reads.parquet", "quarantine/vision.parquet"]
                same = all((Path(tmp) / f"{stage}-local" / f).read_bytes() == (Path(tmp) / f"{stage}-ray" / f)
                           .read_bytes() for f in files)
                print(f"{stage}: local and Ray outputs byte-identical: {same}")
        finally:
            ray.close()
            if cluster is not None:
                cluster.stop()
            shutil.rmtree(ray_tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
