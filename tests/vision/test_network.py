"""ultralytics trains, validates and predicts with no network attempt (DNS or connect)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from simulate.detector_data import DatasetSpec, write_yolo_dataset
from tests import netguard

pytestmark = pytest.mark.integration


def test_fonts_are_in_place_for_ultralytics() -> None:
    cfg = Path(os.environ["YOLO_CONFIG_DIR"]) / "Ultralytics"
    assert (cfg / "Arial.ttf").stat().st_size > 100_000
    assert (cfg / "Arial.Unicode.ttf").stat().st_size > 100_000


def test_train_val_predict_make_no_network_attempt(tmp_path: Path) -> None:
    from vision.detector import DetectorConfig, LabelDetector, TrainConfig, train_detector

    before = len(netguard.attempts)
    data = write_yolo_dataset(DatasetSpec(tmp_path / "ds", n_train=2, n_val=2, seed=5))
    result = train_detector(TrainConfig(data, tmp_path / "runs", epochs=1, imgsz=128, batch=2))
    assert result.weights.is_file()
    LabelDetector(DetectorConfig(result.weights, imgsz=128)).detect(np.zeros((240, 320, 3), np.uint8))
    assert netguard.attempts[before:] == []


def test_the_guard_sees_ultralytics_reaching_out() -> None:
    """Control: a font ultralytics lacks makes it go online, and the guard records that attempt."""
    from ultralytics.utils.checks import check_font

    before = len(netguard.attempts)
    try:
        check_font("NoSuchFont-riskgraph.ttf")
    except OSError:
        pass
    seen = netguard.attempts[before:]
    del netguard.attempts[before:]  # expected here: keep the autouse guard fixture quiet
    assert seen, "check_font went unnoticed: the network guard is not intercepting ultralytics"
