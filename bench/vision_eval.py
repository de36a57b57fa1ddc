"""Held-out evaluation of vision/: detector mAP, recipient-address CER, address-key accuracy, fraud P/R.

    PYTHONPATH=. python bench/vision_eval.py --n 40 --n-hard 20

Photos come from a seed stream (777) the detector never trained on (training uses seed 0).
Half of the photos ship to an address on a synthetic fraud list, printed in a formatting
variant (province dropped, 幢 for 栋, full-width digits; "St" for "Street", "#" for "Apt"),
the other half to fresh random addresses. Prints a table and writes var/vision/eval.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from riskgraph.offline import configure_offline  # noqa: E402
from riskgraph.settings import load_settings  # noqa: E402

SEED = 777


def variant(address: str, rng: np.random.Generator) -> str:
    """How a ring member might rewrite a drop address: same place, different formatting."""
    if any("\u4e00" <= c <= "\u9fff" for c in address):
        out = address.replace("栋", "幢") if rng.random() < 0.5 else address
        if rng.random() < 0.5 and "省" in out:
            out = out.split("省", 1)[1]
        if rng.random() < 0.5:
            out = out.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        return out.removesuffix("室") if rng.random() < 0.5 else out
    out = address
    for long, short in (("Street", "St"), ("Avenue", "Ave"), ("Road", "Rd"), ("Drive", "Dr"), ("Lane", "Ln")):
        if rng.random() < 0.7:
            out = out.replace(long, short)
    if rng.random() < 0.5:
        out = out.replace("Apt ", "#")
    return out.replace(",", "") if rng.random() < 0.5 else out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=40, help="default-difficulty photos")
    ap.add_argument("--n-hard", type=int, default=20, help="hard-difficulty photos")
    ap.add_argument("--weights", type=Path, default=Path("vision/weights/label_detector.pt"))
    args = ap.parse_args()
    settings = load_settings()
    configure_offline(settings.var_dir)

    from rapidfuzz.distance import Levenshtein

    from ingest.normalize import address_key, fold_width
    from simulate.detector_data import (
        DatasetSpec,
        en_address,
        random_label_text,
        write_yolo_dataset,
        zh_address,
    )
    from simulate.media.parcel import render_parcel_photo
    from vision.detector import DetectorConfig, LabelDetector, evaluate_detector
    from vision.errors import BadPhotoError
    from vision.fraud import read_fraud_addresses
    from vision.ocr import OcrConfig, TesseractOcr
    from vision.reader import LabelReader

    out_dir = settings.var_dir / "vision"
    out_dir.mkdir(parents=True, exist_ok=True)
    det: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for difficulty, n in (("default", args.n), ("hard", args.n_hard)):
            data = write_yolo_dataset(DatasetSpec(Path(tmp) / difficulty, n_train=0, n_val=n, seed=SEED,
                                                  difficulty=difficulty))
            m = evaluate_detector(args.weights, data, None, Path(tmp) / "val")
            det[difficulty] = {"map50": m.map50, "map50_95": m.map50_95, "label_map50": m.class_map50[0],
                               "address_block_map50": m.class_map50[1]}

    rng = np.random.default_rng([SEED, 99])
    fraud_list = [zh_address(rng) for _ in range(6)] + [en_address(rng) for _ in range(6)]
    fraud_csv = out_dir / "eval_fraud_addresses.csv"
    fraud_csv.write_text("address\n" + "".join(f'"{a}"\n' for a in fraud_list), encoding="utf-8")
    reader = LabelReader(LabelDetector(DetectorConfig(args.weights)), TesseractOcr(OcrConfig()),
                         read_fraud_addresses(fraud_csv))
    results: dict[str, dict[str, float]] = {}
    for difficulty, n in (("default", args.n), ("hard", args.n_hard)):
        cers, keys, tp, fp, fn, failed = [], 0, 0, 0, 0, 0
        t0 = time.perf_counter()
        for i in range(n):
            r = np.random.default_rng([SEED, 3 if difficulty == "default" else 4, i])
            lang = "zh" if i % 2 == 0 else "en"
            is_fraud = i % 4 < 2
            pool = fraud_list[:6] if lang == "zh" else fraud_list[6:]
            printed = variant(pool[int(r.integers(len(pool)))], r) if is_fraud else None
            text = random_label_text(r, lang, printed)
            photo = render_parcel_photo(text, r, difficulty)
            try:
                read = reader.read(np.asarray(photo.image))
            except BadPhotoError:
                failed += 1
                cers.append(1.0)
                fn += is_fraud
                continue
            # CER on width-folded text: a label printed in full-width digits (２１) read as 21 is right
            cers.append(Levenshtein.normalized_distance(read.fields.recipient.address, fold_width(text.recipient_address)))
            keys += read.fields.recipient.address_key == address_key(text.recipient_address)
            hit = read.fraud is not None
            tp += hit and is_fraud
            fp += hit and not is_fraud
            fn += is_fraud and not hit
        results[difficulty] = {
            "photos": n, "failed": failed, "cer_mean": float(np.mean(cers)), "cer_median": float(np.median(cers)),
            "key_accuracy": keys / n, "fraud_precision": tp / max(1, tp + fp), "fraud_recall": tp / max(1, tp + fn),
            "seconds_per_photo": (time.perf_counter() - t0) / n,
        }
    report = {"detector": det, **results}
    (out_dir / "eval.json").write_text(json.dumps(report, indent=2))
    for d, m in det.items():
        print(f"detector, held-out {d}: mAP50 {m['map50']:.3f} (label {m['label_map50']:.3f}, address_block "
              f"{m['address_block_map50']:.3f}), mAP50-95 {m['map50_95']:.3f}")
    print(f"{'difficulty':<10} {'photos':>6} {'failed':>6} {'CER mean':>9} {'CER med':>8} {'key acc':>8} "
          f"{'fraud P':>8} {'fraud R':>8} {'s/photo':>8}")
    for d, r in results.items():
        print(f"{d:<10} {r['photos']:>6} {r['failed']:>6} {r['cer_mean']:>9.3f} {r['cer_median']:>8.3f} "
              f"{r['key_accuracy']:>8.2f} {r['fraud_precision']:>8.2f} {r['fraud_recall']:>8.2f} "
              f"{r['seconds_per_photo']:>8.2f}")


if __name__ == "__main__":
    main()
