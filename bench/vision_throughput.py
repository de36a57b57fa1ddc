"""End-to-end label throughput of `read_day` (2 worker processes), and where the time goes.

    PYTHONPATH=. python bench/vision_throughput.py --photos 40 --workers 2

Renders a day folder of default-difficulty photos, runs the batch job cold (no checkpoints),
prints labels/s, per-photo latency percentiles (single process, by stage), the share of
detection / preprocessing / OCR, and peak RSS.
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from riskgraph.offline import configure_offline  # noqa: E402
from riskgraph.settings import load_settings  # noqa: E402

# What a fresh worker process pays before its first photo, stage by stage (run in a new interpreter).
_STARTUP = """
import sys, time
t0 = time.perf_counter()
from pathlib import Path
from riskgraph.offline import configure_offline
configure_offline(Path(sys.argv[2]))
import vision.batch
t1 = time.perf_counter()
import torch, ultralytics
t2 = time.perf_counter()
import numpy as np
from vision.detector import DetectorConfig, LabelDetector
det = LabelDetector(DetectorConfig(Path(sys.argv[1])))
t3 = time.perf_counter()
det.detect(np.zeros((480, 640, 3), np.uint8))
t4 = time.perf_counter()
from vision.ocr import OcrConfig, TesseractOcr
TesseractOcr(OcrConfig())
t5 = time.perf_counter()
print(f"worker start-up {t5 - t0:.1f} s: vision imports {t1 - t0:.1f}, torch + ultralytics {t2 - t1:.1f}, "
      f"model load {t3 - t2:.1f}, first detection {t4 - t3:.1f}, Tesseract init {t5 - t4:.1f}")
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=40)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--stage-photos", type=int, default=10, help="photos timed stage by stage in one process")
    ap.add_argument("--no-sender", action="store_true", help="leave the sender fields empty")
    ap.add_argument("--weights", type=Path, default=Path("vision/weights/label_detector.pt"))
    ap.add_argument("--width", type=int, default=0, help="rectified label width in pixels (default: the reader's)")
    args = ap.parse_args()
    settings = load_settings()
    configure_offline(settings.var_dir)
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", _STARTUP, str(args.weights.resolve()), str(settings.var_dir)],
                         cwd=root, capture_output=True, text=True, check=True)
    print(out.stdout.strip())

    from simulate.detector_data import random_label_text
    from simulate.media.parcel import render_parcel_photo
    from vision.batch import ReaderSpec, read_day
    from vision.detector import DetectorConfig, LabelDetector
    from vision.ocr import OcrConfig, TesseractOcr
    from vision.preprocess import PreprocessConfig
    from vision.reader import LabelReader

    with tempfile.TemporaryDirectory() as tmp:
        day = Path(tmp) / "day"
        (day / "parcels").mkdir(parents=True)
        photos = []
        with (day / "returns.csv").open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["return_id", "order_id", "account_id", "reason", "photo", "created_at"])
            for i in range(args.photos):
                rng = np.random.default_rng([4242, i])
                photo = render_parcel_photo(random_label_text(rng, "zh" if i % 2 == 0 else "en"), rng)
                photo.image.save(day / "parcels" / f"{i}.jpg", quality=90)
                photos.append(np.asarray(photo.image))
                w.writerow([f"R{i}", "O", "A", "r", f"parcels/{i}.jpg", "2026-11-27T10:00:00+08:00"])

        done: list[float] = []  # completion time of each photo
        t0 = time.perf_counter()
        result = read_day(day, Path(tmp) / "work", ReaderSpec(weights=args.weights, read_sender=not args.no_sender), workers=args.workers,
                          on_done=lambda n: done.extend([time.perf_counter()] * n))
        wall = time.perf_counter() - t0
        print(f"read_day: {args.photos} photos, {args.workers} workers: {wall:.1f} s wall incl. pool start-up "
              f"-> {args.photos / wall:.2f} labels/s ({result.reads} read, {result.quarantined} quarantined)")
        if len(done) > args.workers:  # once every worker has finished a photo, start-up is behind
            steady = (len(done) - args.workers) / max(done[-1] - done[args.workers - 1], 1e-9)
            print(f"read_day after start-up (first photo {done[0] - t0:.1f} s): {steady:.2f} labels/s")

        reader = LabelReader(LabelDetector(DetectorConfig(args.weights)), TesseractOcr(OcrConfig()),
                             read_sender=not args.no_sender,
                             preprocess=PreprocessConfig(target_width=args.width) if args.width else PreprocessConfig())
        reader.read(photos[0])  # warm-up: model load, first inference
        reader.times.__init__()  # type: ignore[misc]
        per_photo = []
        cpu0 = time.process_time()  # CPU seconds: what a photo costs with a core to itself, whatever the load
        for rgb in photos[:args.stage_photos]:
            t = time.perf_counter()
            reader.read(rgb)
            per_photo.append(time.perf_counter() - t)
        cpu = (time.process_time() - cpu0) / max(1, len(per_photo))
        tm = reader.times
        total = tm.detect + tm.preprocess + tm.ocr + tm.parse
        p50, p90, p99 = np.percentile(per_photo, [50, 90, 99])
        print(f"one process, {len(per_photo)} photos: latency p50 {p50 * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms, "
              f"p99 {p99 * 1000:.0f} ms; CPU {cpu * 1000:.0f} ms/photo (≈ {args.workers / cpu:.1f} labels/s on "
              f"{args.workers} idle cores, steady state)")
        print(f"share: detection {tm.detect / total:.0%}, preprocessing {tm.preprocess / total:.0%}, "
              f"OCR {tm.ocr / total:.0%}, parse+match {tm.parse / total:.0%}")
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: this process {peak_self:.0f} MiB, largest worker {peak_children:.0f} MiB")


if __name__ == "__main__":
    main()
