"""Accuracy of the configured transcriber on real speech, telephone copy and original side by side.

    PYTHONPATH=. .venv/bin/python bench/asr_eval.py [--set beam_size=1 ...] [--detect] [--json OUT]

Clips: ../shared/asr-dev (dNN.wav = telephone copy, dNN_orig.wav = original, truth.jsonl) and any
--extra folder in the same layout (make telephone copies with testing/telephone.py). Each clip is scored
three times: the telephone copy, the original, and the telephone copy with every sample's least
significant bit flipped (the result must not move). English by WER, Mandarin by CER
(asr/scoring.py: the set's README rules). --detect lets the transcriber pick the language (among
`languages`) instead of giving it; --set overrides an AsrConfig field (key=value, e.g. beam_size=1).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from riskgraph.offline import configure_offline  # noqa: E402

# ../shared/asr-dev beside the checkout (a git worktree sits deeper: the nearest ancestor's wins).
DEV = next((p / "shared" / "asr-dev" for p in ROOT.parents if (p / "shared" / "asr-dev").is_dir()),
           ROOT.parent / "shared" / "asr-dev")
COPIES = ("telephone", "original", "telephone+lsb")


def flip_lsb(src: Path, dst: Path) -> Path:
    """A copy of a 16-bit PCM WAV with the least significant bit of every sample flipped."""
    with wave.open(str(src), "rb") as r:
        params, frames = r.getparams(), r.readframes(r.getnframes())
    if params.sampwidth != 2:
        raise ValueError(f"{src}: {params.sampwidth * 8}-bit samples; flip_lsb wants 16-bit PCM")
    pcm = np.frombuffer(frames, dtype="<i2") ^ np.int16(1)
    with wave.open(str(dst), "wb") as w:
        w.setparams(params)
        w.writeframes(pcm.astype("<i2").tobytes())
    return dst


def clips(folders: list[Path]) -> list[dict[str, str]]:
    out = []
    for folder in folders:
        for line in (folder / "truth.jsonl").read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            out.append({**item, "telephone": str(folder / f"{item['id']}.wav"),
                        "original": str(folder / f"{item['id']}_orig.wav"), "set": folder.name})
    return out


def _value(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--extra", type=Path, action="append", default=[], help="another folder like asr-dev")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="AsrConfig override")
    ap.add_argument("--detect", action="store_true", help="detect the language instead of giving it")
    ap.add_argument("--json", type=Path, help="write every result here")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if not (DEV / "truth.jsonl").is_file():
        sys.exit(f"{DEV} not found: the evaluation set lives in ../shared/asr-dev beside the repository")
    with tempfile.TemporaryDirectory(prefix="asr-eval-") as tmp:
        configure_offline(Path(tmp) / "var")
        from asr.audio import load_audio
        from asr.scoring import error_rate
        from asr.transcriber import AsrConfig, make_transcriber

        overrides = dict(kv.split("=", 1) for kv in args.set)
        fields = {f.name: f for f in dataclasses.fields(AsrConfig)}
        values = {k: (tuple(str(v).split(",")) if k == "languages" else Path(v) if k.endswith("_model")
                      else _value(v)) for k, v in overrides.items() if k in fields}
        unknown = set(overrides) - set(fields)
        if unknown:
            sys.exit(f"unknown AsrConfig field(s): {', '.join(sorted(unknown))}")
        config = AsrConfig(cache_dir=ROOT / "var" / "cache" / "asr", **values)  # type: ignore[arg-type]
        transcriber = make_transcriber(config)
        rows: list[dict[str, Any]] = []
        for item in clips([DEV, *args.extra]):
            paths = {"telephone": Path(item["telephone"]), "original": Path(item["original"]),
                     "telephone+lsb": flip_lsb(Path(item["telephone"]), Path(tmp) / f"{item['id']}_lsb.wav")}
            for copy in COPIES:
                audio = load_audio(paths[copy], 600)
                t0 = time.perf_counter()
                t = transcriber.transcribe(audio, None if args.detect else item["lang"])
                rows.append({"id": item["id"], "set": item["set"], "lang": item["lang"], "copy": copy,
                             "heard_as": t.language, "model": t.model, "error": error_rate(item["text"], t.text,
                                                                                               item["lang"]),
                             "seconds": time.perf_counter() - t0, "audio_s": t.duration, "text": t.text,
                             "flags": list(t.flags)})
    print(f"config: {', '.join(f'{k}={v}' for k, v in overrides.items()) or 'defaults'}; "
          f"language {'detected' if args.detect else 'given'}")
    print(f"{'clip':6} {'lang':4} {'copy':14} {'heard':5} {'err':>6} {'sec':>5}  text")
    for r in rows:
        print(f"{r['id']:6} {r['lang']:4} {r['copy']:14} {r['heard_as']:5} {r['error']:6.3f} {r['seconds']:5.1f}  "
              f"{r['text'][:90]}{' ' + str(r['flags']) if r['flags'] else ''}")
    for lang, metric in (("en", "WER"), ("zh", "CER")):
        for copy in COPIES:
            errs = [r["error"] for r in rows if r["lang"] == lang and r["copy"] == copy]
            if errs:
                print(f"{lang} {metric} {copy:14} mean {np.mean(errs):.3f}  max {max(errs):.3f}  (n={len(errs)})")
    moved = [r["id"] for r, s in zip(rows[0::3], rows[2::3], strict=True) if r["text"] != s["text"]]
    print(f"LSB flip changed the text of: {', '.join(moved) or 'no clip'}")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
