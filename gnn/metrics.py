"""Ranking and threshold metrics in numpy (no scikit-learn in the lock)."""

from __future__ import annotations

import numpy as np


def pr_curve(y: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall and threshold at each distinct score, highest threshold first.

    y: 0/1 [n]; score: float [n]. Arrays have one entry per distinct score value.
    """
    order = np.argsort(-score, kind="mergesort")
    y_sorted, s_sorted = y[order].astype(np.float64), score[order]
    tp = np.cumsum(y_sorted)
    fp = np.cumsum(1.0 - y_sorted)
    last = np.r_[np.flatnonzero(np.diff(s_sorted)), len(s_sorted) - 1]  # last index of each distinct score
    tp, fp, thr = tp[last], fp[last], s_sorted[last]
    precision = tp / np.maximum(tp + fp, 1.0)
    recall = tp / max(float(y.sum()), 1.0)
    return precision, recall, thr


def average_precision(y: np.ndarray, score: np.ndarray) -> float:
    """PR-AUC as average precision (step-wise, as scikit-learn computes it); nan without positives."""
    if len(y) == 0 or y.sum() == 0:
        return float("nan")
    precision, recall, _ = pr_curve(y, score)
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def f1_at(y: np.ndarray, score: np.ndarray, threshold: float) -> tuple[float, float, float]:
    """(precision, recall, F1) of the rule score >= threshold."""
    pred = score >= threshold
    tp = float(np.sum(pred & (y == 1)))
    p = tp / max(float(pred.sum()), 1.0)
    r = tp / max(float((y == 1).sum()), 1.0)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def best_f1_threshold(y: np.ndarray, score: np.ndarray, default: float = 0.5) -> float:
    """The threshold that maximises F1 on (y, score); `default` when there are no positives."""
    if len(y) == 0 or y.sum() == 0:
        return default
    precision, recall, thr = pr_curve(y, score)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    return float(thr[int(np.argmax(f1))])
