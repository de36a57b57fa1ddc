"""Truth matching, metrics and a small end-to-end evaluation with the report files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gnn.detect import DetectConfig
from gnn.errors import TruthError
from gnn.evaluate import evaluate
from gnn.metrics import average_precision, best_f1_threshold
from gnn.report import write_report
from gnn.train import TrainConfig
from gnn.truth import TrueRing, match, read_truth
from testing.synthetic import make_export, write_truth


def test_average_precision_known_values() -> None:
    y = np.array([1, 0, 1, 0])
    assert average_precision(y, np.array([0.9, 0.8, 0.7, 0.1])) == pytest.approx((1 + 2 / 3) / 2)
    assert average_precision(y, np.array([0.9, 0.1, 0.8, 0.2])) == pytest.approx(1.0)
    assert best_f1_threshold(y, np.array([0.9, 0.1, 0.8, 0.2])) == pytest.approx(0.8)


def test_match_needs_jaccard_half_and_is_one_to_one() -> None:
    true = [TrueRing("R1", "brushing_loop", frozenset("abcd")), TrueRing("R2", "coupon_abuse", frozenset("wxyz"))]
    detected = [frozenset("abc"), frozenset("abcd"), frozenset("wx"), frozenset("w")]
    m = match(detected, true)
    assert m == {1: 0, 2: 1}  # exact match wins R1; "wx" has Jaccard 0.5; "w" has 0.25


def test_read_truth_rejects_missing_column(tmp_path: Path) -> None:
    (tmp_path / "rings.csv").write_text("ring_id,account_id\nR1,a\n")
    with pytest.raises(TruthError, match="kind"):
        read_truth(tmp_path)


def test_evaluate_writes_json_and_png_with_ablation_and_baselines(tmp_path: Path) -> None:
    export, synthetic = make_export(400, seed=5, n_rings=3)
    write_truth(synthetic, tmp_path / "truth")
    truth = read_truth(tmp_path / "truth")
    assert len(truth.rings) == 3 and truth.lookalike_kind
    config = DetectConfig(train=TrainConfig(epochs=60, patience=20))
    report = evaluate(export, truth, config, tmp_path / "models", "b1")
    js, png = write_report(report, tmp_path / "out")
    data = json.loads(js.read_text())
    assert {"gnn (full)", "gnn without calls", "gnn without photos", "gnn without clickstream",
            "baseline: rules", "baseline: components", "baseline: community (no GNN)"} == set(data)
    full = data["gnn (full)"]
    assert 0.0 <= full["accounts"]["pr_auc"] <= 1.0
    assert full["rings"]["largest_true_ring"]["size"] == 37
    assert png.stat().st_size > 5000 and png.read_bytes()[:4] == b"\x89PNG"
