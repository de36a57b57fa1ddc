"""The ultralytics adapter: train our YOLOv8n label detector and run it. Only module importing ultralytics.

Network: ultralytics reads YOLO_OFFLINE / YOLO_AUTOINSTALL / YOLO_CONFIG_DIR at import (set by
the composition root before this module is imported) and its settings file decides sync and the
logger integrations; `_quiet_settings` turns every one of those off before any train or predict.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from vision.errors import VisionError
from vision.records import Detection

log = logging.getLogger(__name__)

CLASS_NAMES = ("label", "address_block")  # YOLO class ids 0 and 1


@cache
def _ultralytics() -> Any:
    import ultralytics
    from ultralytics import settings

    settings.update({"sync": False, "clearml": False, "comet": False, "dvc": False, "mlflow": False,
                     "raytune": False, "tensorboard": False, "wandb": False, "vscode_msg": False,
                     "openvino_msg": False})
    return ultralytics


@dataclass(frozen=True)
class DetectorConfig:
    weights: Path  # our trained .pt (vision/weights/label_detector.pt)
    imgsz: int = 256  # inference size, pixels of the longer side; what the weights were trained at
    conf: float = 0.25  # minimum box score kept


class LabelDetector:
    """Finds the shipping label and its recipient-address block in an RGB photo."""

    def __init__(self, cfg: DetectorConfig) -> None:
        if not cfg.weights.is_file():
            raise VisionError(f"detector weights {cfg.weights} not found; run `riskgraph vision train-detector`")
        self.cfg = cfg
        self._model = _ultralytics().YOLO(str(cfg.weights), task="detect")

    def detect(self, rgb: np.ndarray) -> tuple[Detection, ...]:
        """Boxes for an HxWx3 uint8 RGB image, highest score first, in its pixel coordinates."""
        bgr = np.ascontiguousarray(rgb[..., ::-1])  # ultralytics treats numpy input as BGR (OpenCV)
        result = self._model.predict(bgr, imgsz=self.cfg.imgsz, conf=self.cfg.conf, device="cpu",
                                     verbose=False)[0]
        out = []
        for xyxy, cls, conf in zip(result.boxes.xyxy.tolist(), result.boxes.cls.tolist(),
                                   result.boxes.conf.tolist(), strict=True):
            x0, y0, x1, y1 = (float(v) for v in xyxy)
            out.append(Detection(CLASS_NAMES[int(cls)], x0, y0, x1, y1, float(conf)))
        return tuple(sorted(out, key=lambda d: -d.confidence))


@dataclass(frozen=True)
class TrainConfig:
    data_yaml: Path  # YOLO dataset yaml (train/val image folders, names label/address_block)
    out_dir: Path  # ultralytics run folder is out_dir/train (made absolute: a relative one lands in its runs_dir)
    epochs: int = 40
    imgsz: int = 256
    batch: int = 16
    seed: int = 0
    model_yaml: str = "yolov8n.yaml"  # built from scratch: no pretrained weights exist offline
    device: str = "cpu"  # "cpu" or a CUDA index ("0"); the committed weights' card says which


@dataclass(frozen=True)
class DetectorMetrics:
    map50: float  # mean over classes
    map50_95: float
    class_map50: tuple[float, ...]  # per class, in CLASS_NAMES order


@dataclass(frozen=True)
class TrainResult:
    weights: Path  # best.pt of the run
    map50: float  # on the dataset's val split
    map50_95: float


def train_detector(cfg: TrainConfig) -> TrainResult:
    """Train from the model yaml on CPU; deterministic for a given seed and thread count."""
    yolo = _ultralytics().YOLO(cfg.model_yaml, task="detect")
    yolo.train(data=str(cfg.data_yaml), epochs=cfg.epochs, imgsz=cfg.imgsz, batch=cfg.batch, seed=cfg.seed,
               deterministic=True, workers=0, device=cfg.device, amp=False, plots=False, pretrained=False,
               project=str(cfg.out_dir.resolve()), name="train", exist_ok=True, verbose=False, patience=100)
    best = cfg.out_dir / "train" / "weights" / "best.pt"
    m = evaluate_detector(best, cfg.data_yaml, cfg.imgsz, cfg.out_dir, device=cfg.device)
    return TrainResult(best, m.map50, m.map50_95)


def evaluate_detector(weights: Path, data_yaml: Path, imgsz: int, out_dir: Path,
                      split: str = "val", device: str = "cpu") -> DetectorMetrics:
    """mAP50 and mAP50-95 of `weights` on a split of a YOLO dataset."""
    yolo = _ultralytics().YOLO(str(weights), task="detect")
    metrics = yolo.val(data=str(data_yaml), split=split, imgsz=imgsz, batch=16, workers=0, device=device,
                       plots=False, verbose=False, project=str(out_dir.resolve()), name=f"val-{split}", exist_ok=True)
    per_class = metrics.box.all_ap[:, 0] if len(metrics.box.all_ap) else []
    return DetectorMetrics(float(metrics.box.map50), float(metrics.box.map), tuple(float(x) for x in per_class))
