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
    imgsz: int | None = None  # inference size, pixels of the longer side; None: the size the weights were trained at
    conf: float = 0.25  # minimum box score kept
    threads: int | None = 1  # torch intra-op threads; 1: the batch job runs one process per core (None: torch's default)


class LabelDetector:
    """Finds the shipping label and its recipient-address block in an RGB photo.

    Inference runs the network directly (letterbox, forward, ultralytics' NMS) instead of through
    `YOLO.predict`: the predictor's first call imports torchvision "to warm up NMS", which pulls
    in torch._dynamo and sympy, 2.9 s of a worker's start-up with bytecode caches and 14 s
    without; ultralytics' NMS is pure torch when torchvision is not loaded. Boxes are the same as
    the predictor's (same letterbox, same thresholds; `tests/vision/test_detector.py`).
    """

    iou: float = 0.7  # NMS IoU, the predictor's default
    pad_value: int = 114  # letterbox grey, as in training

    def __init__(self, cfg: DetectorConfig) -> None:
        if not cfg.weights.is_file():
            raise VisionError(f"detector weights {cfg.weights} not found; run `riskgraph vision train-detector`")
        self.cfg = cfg
        yolo = _ultralytics().YOLO(str(cfg.weights), task="detect")
        self.imgsz = cfg.imgsz or _trained_imgsz(yolo)
        self._net = yolo.model.fuse(verbose=False).eval().float()
        if cfg.threads:
            import torch

            torch.set_num_threads(cfg.threads)
        self._stride = int(max(self._net.stride.max(), 32))

    def letterbox(self, rgb: np.ndarray) -> np.ndarray:
        """Resize so the longer side is imgsz, pad each side to a stride multiple (ultralytics' rect LetterBox)."""
        import cv2

        h, w = rgb.shape[:2]
        r = min(self.imgsz / h, self.imgsz / w)
        nw, nh = max(round(w * r), 1), max(round(h * r), 1)
        dw, dh = (self.imgsz - nw) % self._stride / 2, (self.imgsz - nh) % self._stride / 2
        img = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_LINEAR) if (nw, nh) != (w, h) else rgb
        return cv2.copyMakeBorder(img, round(dh - 0.1), round(dh + 0.1), round(dw - 0.1), round(dw + 0.1),
                                  cv2.BORDER_CONSTANT, value=(self.pad_value,) * 3)

    def detect(self, rgb: np.ndarray) -> tuple[Detection, ...]:
        """Boxes for an HxWx3 uint8 RGB image, highest score first, in its pixel coordinates."""
        import torch
        from ultralytics.utils.nms import non_max_suppression
        from ultralytics.utils.ops import scale_boxes

        img = self.letterbox(np.ascontiguousarray(rgb))
        x = torch.from_numpy(img).permute(2, 0, 1).unsqueeze(0).float().div_(255)
        with torch.inference_mode():
            pred = self._net(x)
            det = non_max_suppression(pred, self.cfg.conf, self.iou, max_det=300)[0]
        boxes = scale_boxes(img.shape[:2], det[:, :4].clone(), rgb.shape[:2])
        out = [Detection(CLASS_NAMES[int(c)], float(x0), float(y0), float(x1), float(y1), float(p))
               for (x0, y0, x1, y1), p, c in zip(boxes.tolist(), det[:, 4].tolist(), det[:, 5].tolist(), strict=True)]
        return tuple(sorted(out, key=lambda d: -d.confidence))


@dataclass(frozen=True)
class TrainConfig:
    data_yaml: Path  # YOLO dataset yaml (train/val image folders, names label/address_block)
    out_dir: Path  # ultralytics run folder is out_dir/train (made absolute: a relative one lands in its runs_dir)
    epochs: int = 40
    imgsz: int = 320
    batch: int = 16
    seed: int = 0
    model_yaml: str = "yolov8n.yaml"  # built from scratch: no pretrained weights exist offline
    device: str = "cpu"  # "cpu" or a CUDA index ("0"); the committed weights' card says which
    init_weights: Path | None = None  # fine-tune from these weights (same classes) instead of model_yaml


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
    """Train from the model yaml (or fine-tune init_weights); deterministic for a given seed and thread count."""
    if cfg.init_weights is not None and not cfg.init_weights.is_file():
        raise VisionError(f"initial weights {cfg.init_weights} not found")
    yolo = _ultralytics().YOLO(str(cfg.init_weights) if cfg.init_weights else cfg.model_yaml, task="detect")
    yolo.train(data=str(cfg.data_yaml), epochs=cfg.epochs, imgsz=cfg.imgsz, batch=cfg.batch, seed=cfg.seed,
               deterministic=True, workers=0, device=cfg.device, amp=False, plots=False,
               pretrained=cfg.init_weights is not None,  # False would re-initialize even a loaded .pt
               project=str(cfg.out_dir.resolve()), name="train", exist_ok=True, verbose=False, patience=100)
    best = cfg.out_dir / "train" / "weights" / "best.pt"
    m = evaluate_detector(best, cfg.data_yaml, cfg.imgsz, cfg.out_dir, device=cfg.device)
    return TrainResult(best, m.map50, m.map50_95)


def _trained_imgsz(model: Any) -> int:
    """The image size a loaded .pt was trained at (ultralytics keeps it in the checkpoint's args)."""
    size = model.overrides.get("imgsz")
    if isinstance(size, (list, tuple)):
        size = max(size)
    if not isinstance(size, int):
        raise VisionError("the detector weights do not record their training image size; pass imgsz")
    return size


def evaluate_detector(weights: Path, data_yaml: Path, imgsz: int | None, out_dir: Path,
                      split: str = "val", device: str = "cpu") -> DetectorMetrics:
    """mAP50 and mAP50-95 of `weights` on a split of a YOLO dataset (imgsz None: the trained size)."""
    yolo = _ultralytics().YOLO(str(weights), task="detect")
    imgsz = imgsz or _trained_imgsz(yolo)
    metrics = yolo.val(data=str(data_yaml), split=split, imgsz=imgsz, batch=16, workers=0, device=device,
                       plots=False, verbose=False, project=str(out_dir.resolve()), name=f"val-{split}", exist_ok=True)
    per_class = metrics.box.all_ap[:, 0] if len(metrics.box.all_ap) else []
    return DetectorMetrics(float(metrics.box.map50), float(metrics.box.map), tuple(float(x) for x in per_class))
