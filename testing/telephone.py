"""Pass recordings through a telephone channel: 8 kHz, 300-3400 Hz, -3 dBFS, 8-bit mu-law (or A-law).

    python testing/telephone.py IN.wav OUT.wav [--codec mu-law|a-law] [--keep-8k]

By default OUT is the channel's output back at 16 kHz 16-bit PCM (as ../shared/asr-dev's dNN.wav);
with --keep-8k it is the 8 kHz G.711 WAV a call centre stores. Uses sox, like the evaluation set.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

CODECS = ("mu-law", "a-law")


def telephone(src: Path, dst: Path, codec: str = "mu-law", keep_8k: bool = False) -> Path:
    """Write `src` as heard through a G.711 telephone line to `dst`."""
    if codec not in CODECS:
        raise ValueError(f"codec {codec!r}: use one of {CODECS}")
    with tempfile.TemporaryDirectory(prefix="telephone-") as tmp:
        g711 = dst if keep_8k else Path(tmp) / "line.wav"
        subprocess.run(["sox", str(src), "-r", "8000", "-c", "1", "-e", codec, "-b", "8", str(g711),
                        "sinc", "300-3400", "norm", "-3"], check=True)
        if not keep_8k:
            subprocess.run(["sox", str(g711), "-r", "16000", "-e", "signed", "-b", "16", str(dst)], check=True)
    return dst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src", type=Path)
    ap.add_argument("dst", type=Path)
    ap.add_argument("--codec", choices=CODECS, default="mu-law")
    ap.add_argument("--keep-8k", action="store_true")
    args = ap.parse_args()
    telephone(args.src, args.dst, args.codec, args.keep_8k)


if __name__ == "__main__":
    main()
