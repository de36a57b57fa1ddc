"""Keep every library offline and out of the home folder.

Called once by the CLI (and by tests) before heavy libraries are imported: they read these
variables at import time. Values already set by the user win.
"""

from __future__ import annotations

import os
from pathlib import Path


def configure_offline(var_dir: Path) -> None:
    cache = var_dir / "cache"
    knobs = {
        "HF_HUB_OFFLINE": "1",  # faster-whisper / huggingface_hub never fetch
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "ORT_DISABLE_TELEMETRY": "1",  # onnxruntime (faster-whisper's VAD) native telemetry
        "YOLO_OFFLINE": "1",  # ultralytics: no connectivity check at import
        "YOLO_AUTOINSTALL": "0",  # ultralytics: never pip-install at run time
        "YOLO_CONFIG_DIR": str(cache / "ultralytics"),
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
