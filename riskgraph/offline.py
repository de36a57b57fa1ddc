"""Keep every library offline and out of the home folder.

Called once by the CLI (and by tests) before heavy libraries are imported: they read these
variables at import time. Values already set by the user win.
"""

from __future__ import annotations

import os
from pathlib import Path

from ingest.atomic import write_bytes_atomic

# Real fonts ultralytics' `check_font` looks for in its config dir; without them it downloads
# Arial.ttf from GitHub during dataset checks and plotting, even with plots=False.
_ULTRALYTICS_FONTS = {
    "Arial.ttf": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",),
    "Arial.Unicode.ttf": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                          "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
}


def configure_offline(var_dir: Path) -> None:
    cache = var_dir / "cache"
    knobs = {
        "HF_HUB_OFFLINE": "1",  # faster-whisper / huggingface_hub never fetch
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "ORT_DISABLE_TELEMETRY": "1",  # onnxruntime (faster-whisper's VAD) native telemetry
        "YOLO_OFFLINE": "1",  # ultralytics: no connectivity check (DNS) at import
        "YOLO_AUTOINSTALL": "0",  # ultralytics: never pip-install at run time
        "YOLO_CONFIG_DIR": str(cache / "ultralytics"),  # settings.json + fonts, not ~/.config
        "MPLCONFIGDIR": str(cache / "matplotlib"),
        "TORCH_HOME": str(cache / "torch"),
        "XDG_CACHE_HOME": str(cache),
        "OMP_WAIT_POLICY": "PASSIVE",  # torch's spinning OpenMP threads starve the other core
        "DO_NOT_TRACK": "1",
    }
    for key, value in knobs.items():
        os.environ.setdefault(key, value)
    for key in ("YOLO_CONFIG_DIR", "MPLCONFIGDIR", "TORCH_HOME"):
        Path(os.environ[key]).mkdir(parents=True, exist_ok=True)
    place_ultralytics_fonts(Path(os.environ["YOLO_CONFIG_DIR"]) / "Ultralytics")


def place_ultralytics_fonts(config_dir: Path) -> None:
    """Copy installed fonts into ultralytics' config dir under the names it would download.

    `config_dir` is YOLO_CONFIG_DIR/Ultralytics (ultralytics appends the sub-folder). A font
    already there is kept; a missing system font is skipped (the network guard then tells).
    """
    config_dir.mkdir(parents=True, exist_ok=True)
    for name, candidates in _ULTRALYTICS_FONTS.items():
        target = config_dir / name
        if target.exists():
            continue
        source = next((Path(c) for c in candidates if Path(c).exists()), None)
        if source is not None:
            write_bytes_atomic(target, source.read_bytes())
