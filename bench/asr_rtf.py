"""Real-time factor of openai-whisper fp32 vs faster-whisper float32 vs faster-whisper int8.

Same clips (English complaint calls synthesized with espeak-ng), same weights (the packaged
tiny.en, converted for openai-whisper), same thread count, greedy decoding with the language given.
Each backend runs in its own process so peak memory is its own.

    PYTHONPATH=. .venv/bin/python bench/asr_rtf.py [--model english|multilingual] [--threads 2] [--repeat 2]

RTF = decode seconds / audio seconds (lower is faster; 0.1 is ten times faster than real time).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from riskgraph.offline import configure_offline  # noqa: E402

BACKENDS = (("openai-whisper", "float32"), ("faster-whisper", "float32"), ("faster-whisper", "int8"))


def run_one(backend: str, compute_type: str, model: str, threads: int, repeat: int, clips: list[Path],
            cache: Path) -> dict[str, object]:
    from asr.audio import load_audio
    from asr.backends import DecodeOptions
    from asr.transcriber import AsrConfig, load_speech_model

    config = AsrConfig(cache_dir=cache, backend=backend, compute_type=compute_type, threads=threads)
    t0 = time.perf_counter()
    engine = load_speech_model(config, model)
    load_s = time.perf_counter() - t0
    language = "en" if model == "english" else "zh"
    options = DecodeOptions(language=language, temperatures=(0.0,), beam_size=1)
    audios = [load_audio(p, 600) for p in clips]
    engine.decode(audios[0], options)  # warm-up: first-call allocations are not throughput
    latencies, audio_s = [], 0.0
    for _ in range(repeat):
        for a in audios:
            t = time.perf_counter()
            engine.decode(a, options)
            latencies.append(time.perf_counter() - t)
            audio_s += len(a) / 16_000
    return {"backend": f"{backend}/{compute_type}", "model": engine.name, "load_s": load_s,
            "rtf": sum(latencies) / audio_s, "p50_s": float(np.percentile(latencies, 50)),
            "p90_s": float(np.percentile(latencies, 90)), "audio_s": audio_s, "decodes": len(latencies),
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def make_clips(folder: Path, model: str) -> list[Path]:
    sys.path.insert(0, str(ROOT))
    from testing.audio import speak
    from testing.clips import ENGLISH, MANDARIN

    return [speak(c, folder) for c in (ENGLISH if model == "english" else MANDARIN)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", choices=("english", "multilingual"), default="english")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--child", nargs=2, metavar=("BACKEND", "COMPUTE"), help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        configure_offline(args.work / "var")
        clips = sorted((args.work / "clips").glob("*.wav"))
        print(json.dumps(run_one(*args.child, args.model, args.threads, args.repeat, clips, args.work / "cache")))
        return
    with tempfile.TemporaryDirectory(prefix="asr-bench-") as tmp:
        work = Path(tmp)
        (work / "clips").mkdir()
        make_clips(work / "clips", args.model)
        results = []
        for backend, compute in BACKENDS:
            out = subprocess.run([sys.executable, __file__, "--child", backend, compute, "--work", str(work),
                                  "--model", args.model, "--threads", str(args.threads), "--repeat", str(args.repeat)],
                                 capture_output=True, text=True, check=True)
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    base = results[0]["rtf"]
    assert isinstance(base, float)
    print(f"model {results[0]['model']}, {args.threads} threads, greedy, {results[0]['audio_s']:.0f} s of audio "
          f"per backend ({results[0]['decodes']} decodes)")
    print(f"{'backend':28} {'RTF':>7} {'speed-up':>9} {'p50 s':>7} {'p90 s':>7} {'load s':>7} {'peak RSS MiB':>13}")
    for r in results:
        rtf = r["rtf"]
        assert isinstance(rtf, float)
        print(f"{r['backend']:28} {rtf:7.3f} {base / rtf:8.2f}x {r['p50_s']:7.2f} {r['p90_s']:7.2f} "
              f"{r['load_s']:7.2f} {r['peak_rss_mib']:13.0f}")


if __name__ == "__main__":
    main()
