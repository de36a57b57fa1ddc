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


def roc_auc(y: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve (ties count half, Mann-Whitney); nan when one class is absent."""
    pos, neg = int((y == 1).sum()), int((y == 0).sum())
    if pos == 0 or neg == 0:
        return float("nan")
    order = np.argsort(score, kind="mergesort")
    s = score[order]
    ranks = np.empty(len(s), dtype=np.float64)
    bounds = np.r_[0, np.flatnonzero(np.diff(s)) + 1, len(s)]
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):  # average rank of each tie group
        ranks[lo:hi] = (lo + hi + 1) / 2.0
    r = np.empty_like(ranks)
    r[order] = ranks
    return float((r[y == 1].sum() - pos * (pos + 1) / 2.0) / (pos * neg))


def macro_f1_gmean(y: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    """(F1-macro, G-mean) of boolean predictions `pred` against 0/1 labels `y`."""
    f1s, recalls = [], []
    for cls in (1, 0):
        t, p = y == cls, pred == bool(cls)
        tp = float(np.sum(t & p))
        prec, rec = tp / max(float(p.sum()), 1.0), tp / max(float(t.sum()), 1.0)
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
        recalls.append(rec)
    return float(np.mean(f1s)), float(np.sqrt(recalls[0] * recalls[1]))


def best_macro_f1_threshold(y: np.ndarray, score: np.ndarray, default: float = 0.5) -> float:
    """The score threshold (predict fraud at score >= t) that maximises F1-macro on (y, score)."""
    if len(y) == 0 or y.sum() == 0 or (y == 0).sum() == 0:
        return default
    order = np.argsort(-score, kind="mergesort")
    ys, ss = y[order].astype(np.float64), score[order]
    last = np.r_[np.flatnonzero(np.diff(ss)), len(ss) - 1]
    tp, fp = np.cumsum(ys)[last], np.cumsum(1.0 - ys)[last]
    pos, neg = float(ys.sum()), float(len(ys) - ys.sum())
    fn, tn = pos - tp, neg - fp
    f1_pos = 2 * tp / np.maximum(2 * tp + fp + fn, 1e-12)
    f1_neg = 2 * tn / np.maximum(2 * tn + fn + fp, 1e-12)
    return float(ss[last][int(np.argmax(f1_pos + f1_neg))])
