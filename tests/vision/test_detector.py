"""Our direct inference path gives the ultralytics predictor's boxes, without importing torchvision."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.vision.conftest import WEIGHTS, held_out_photo

pytestmark = pytest.mark.integration


def test_boxes_equal_the_predictors(detector: object) -> None:
    from vision.detector import CLASS_NAMES, _ultralytics

    yolo = _ultralytics().YOLO(str(WEIGHTS), task="detect")
    for i, difficulty in ((0, "default"), (1, "hard")):
        rgb = np.asarray(held_out_photo(i, difficulty)[1].image)
        ours = detector.detect(rgb)  # type: ignore[attr-defined]
        r = yolo.predict(np.ascontiguousarray(rgb[..., ::-1]), imgsz=detector.imgsz, conf=0.25,  # type: ignore[attr-defined]
                         device="cpu", verbose=False)[0]
        theirs = sorted(zip(r.boxes.xyxy.tolist(), r.boxes.cls.tolist(), r.boxes.conf.tolist(), strict=True),
                        key=lambda t: -t[2])
        assert len(ours) == len(theirs) >= 1
        for d, (xyxy, cls, conf) in zip(ours, theirs, strict=True):
            assert d.cls == CLASS_NAMES[int(cls)]
            assert (d.x0, d.y0, d.x1, d.y1) == pytest.approx(xyxy, abs=0.05)
            assert d.confidence == pytest.approx(conf, abs=1e-4)


def test_detection_does_not_import_torchvision() -> None:
    """torchvision pulls in torch._dynamo and sympy: seconds of every worker's start-up."""
    code = ("import sys; from pathlib import Path; from riskgraph.offline import configure_offline; "
            "configure_offline(Path(sys.argv[2])); import numpy as np; "
            "from vision.detector import DetectorConfig, LabelDetector; "
            "LabelDetector(DetectorConfig(Path(sys.argv[1]))).detect(np.zeros((480, 640, 3), np.uint8)); "
            "print(sorted(m for m in ('torchvision', 'sympy', 'torch._dynamo') if m in sys.modules))")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code, str(WEIGHTS), str(root / "var")], cwd=root, check=True,
                         capture_output=True, text=True, timeout=300)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout


def test_image_size_comes_from_the_weights(detector: object) -> None:
    import torch

    trained = torch.load(WEIGHTS, map_location="cpu", weights_only=False)["train_args"]["imgsz"]
    assert detector.imgsz == trained  # type: ignore[attr-defined]



def test_fine_tuning_starts_from_the_given_weights(tmp_path: Path) -> None:
    """`init_weights` continues from them: one epoch on two photos already detects labels, as the
    same epoch from the yaml does not (ultralytics' pretrained=False re-initialized a loaded .pt;
    first-layer weights cannot tell, seed 0 initializes them as the committed run did)."""
    from simulate.detector_data import DatasetSpec, write_yolo_dataset
    from vision.detector import TrainConfig, train_detector

    data = write_yolo_dataset(DatasetSpec(tmp_path / "ds", n_train=2, n_val=2, seed=5))
    tuned = train_detector(TrainConfig(data, tmp_path / "tuned", epochs=1, imgsz=128, batch=2, init_weights=WEIGHTS))
    scratch = train_detector(TrainConfig(data, tmp_path / "scratch", epochs=1, imgsz=128, batch=2))
    assert tuned.map50 > 0.3
    assert scratch.map50 < 0.1


def test_missing_initial_weights_stop_before_training(tmp_path: Path) -> None:
    from vision.detector import TrainConfig, train_detector
    from vision.errors import VisionError

    with pytest.raises(VisionError, match="initial weights"):
        train_detector(TrainConfig(tmp_path / "data.yaml", tmp_path / "runs", init_weights=tmp_path / "none.pt"))
