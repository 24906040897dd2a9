"""Model quality from scores and labels: ROC/AUC, precision-recall/average precision, the
confusion matrix at a threshold, calibration and Brier score, and estimated accuracy.

Curves work on *grouped counts* (one row per distinct score: positives and negatives), so the
store can group millions of rows in SQL and hand over only the distinct scores. Every figure is
None ("undefined") when the data cannot define it (one class only, an empty window): never NaN.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Curve:
    """Points of a curve (x, y) and the score threshold at each point."""

    x: tuple[float, ...]
    y: tuple[float, ...]
    thresholds: tuple[float, ...]
    area: float | None  # AUC for ROC, average precision for PR; None when undefined

    def points(self) -> list[dict[str, float]]:
        return [{"x": x, "y": y, "threshold": t} for x, y, t in zip(self.x, self.y, self.thresholds, strict=True)]


EMPTY_CURVE = Curve((), (), (), None)


@dataclass(frozen=True)
class Confusion:
    tp: int
    fp: int
    tn: int
    fn: int

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    @property
    def accuracy(self) -> float | None:
        return _ratio(self.tp + self.tn, self.total)


@dataclass(frozen=True)
class Calibration:
    mean_score: tuple[float, ...]
    positive_rate: tuple[float, ...]
    counts: tuple[int, ...]
    brier: float | None


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def group_scores(scores: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distinct scores ascending, positives per score, negatives per score); label 1 is positive."""
    scores, labels = np.asarray(scores, dtype=float), np.asarray(labels)
    distinct, inverse = np.unique(scores, return_inverse=True)
    pos = np.bincount(inverse, weights=(labels == 1).astype(float), minlength=len(distinct))
    neg = np.bincount(inverse, weights=(labels != 1).astype(float), minlength=len(distinct))
    return distinct, pos, neg


def auc_from_counts(pos: np.ndarray, neg: np.ndarray) -> float | None:
    """Mann-Whitney AUC from counts per distinct score in ascending score order: the chance a random
    positive outscores a random negative, ties counting one half (equals scikit-learn's ROC AUC)."""
    pos, neg = np.asarray(pos, dtype=float), np.asarray(neg, dtype=float)
    p, n = pos.sum(), neg.sum()
    if p == 0 or n == 0:
        return None
    neg_below = np.cumsum(neg) - neg
    return float(np.sum(pos * (neg_below + 0.5 * neg)) / (p * n))


def roc_from_counts(scores: np.ndarray, pos: np.ndarray, neg: np.ndarray) -> Curve:
    """ROC points from the highest threshold down, starting at (0, 0); scores ascending."""
    pos, neg = np.asarray(pos, dtype=float), np.asarray(neg, dtype=float)
    p, n = pos.sum(), neg.sum()
    if p == 0 or n == 0:
        return EMPTY_CURVE
    tp, fp = np.cumsum(pos[::-1]), np.cumsum(neg[::-1])
    fpr = np.concatenate([[0.0], fp / n])
    tpr = np.concatenate([[0.0], tp / p])
    thresholds = np.concatenate([[math.inf], np.asarray(scores, dtype=float)[::-1]])
    return Curve(tuple(fpr.tolist()), tuple(tpr.tolist()), tuple(thresholds.tolist()), auc_from_counts(pos, neg))


def pr_from_counts(scores: np.ndarray, pos: np.ndarray, neg: np.ndarray) -> Curve:
    """Precision-recall points from the highest threshold down; the area is average precision
    (sum of precision times recall gained at each threshold, as scikit-learn defines it)."""
    pos, neg = np.asarray(pos, dtype=float), np.asarray(neg, dtype=float)
    p = pos.sum()
    if p == 0:
        return EMPTY_CURVE
    tp, fp = np.cumsum(pos[::-1]), np.cumsum(neg[::-1])
    precision, recall = tp / (tp + fp), tp / p
    average_precision = float(np.sum(pos[::-1] / p * precision))
    return Curve(
        tuple(recall.tolist()),
        tuple(precision.tolist()),
        tuple(np.asarray(scores, dtype=float)[::-1].tolist()),
        average_precision,
    )


def roc_curve(scores: np.ndarray, labels: np.ndarray) -> Curve:
    return roc_from_counts(*group_scores(scores, labels))


def pr_curve(scores: np.ndarray, labels: np.ndarray) -> Curve:
    return pr_from_counts(*group_scores(scores, labels))


def confusion(predicted: np.ndarray, labels: np.ndarray) -> Confusion:
    """Confusion counts of predicted 0/1 labels against true labels (1 is positive)."""
    predicted, labels = np.asarray(predicted) == 1, np.asarray(labels) == 1
    return Confusion(
        tp=int(np.sum(predicted & labels)),
        fp=int(np.sum(predicted & ~labels)),
        tn=int(np.sum(~predicted & ~labels)),
        fn=int(np.sum(~predicted & labels)),
    )


def confusion_at(scores: np.ndarray, labels: np.ndarray, threshold: float = 0.5) -> Confusion:
    return confusion((np.asarray(scores, dtype=float) >= threshold).astype(int), labels)


def calibration(scores: np.ndarray, labels: np.ndarray, bins: int = 10) -> Calibration:
    """Reliability curve over `bins` equal-width score bins (empty bins left out) and the Brier score."""
    scores, truth = np.asarray(scores, dtype=float), (np.asarray(labels) == 1).astype(float)
    if scores.size == 0:
        return Calibration((), (), (), None)
    index = np.minimum((scores * bins).astype(int), bins - 1)
    counts = np.bincount(index, minlength=bins)
    keep = counts > 0
    mean_score = np.bincount(index, weights=scores, minlength=bins)[keep] / counts[keep]
    positive_rate = np.bincount(index, weights=truth, minlength=bins)[keep] / counts[keep]
    return Calibration(
        tuple(mean_score.tolist()),
        tuple(positive_rate.tolist()),
        tuple(counts[keep].tolist()),
        float(np.mean((scores - truth) ** 2)),
    )


def estimated_accuracy(scores: np.ndarray, threshold: float = 0.5) -> float | None:
    """Expected accuracy of a calibrated model on rows without labels: each row is right with
    probability `score` when predicted positive and `1 - score` when predicted negative."""
    scores = np.asarray(scores, dtype=float)
    if scores.size == 0:
        return None
    return float(np.mean(np.where(scores >= threshold, scores, 1.0 - scores)))


def accuracy_drop(reference_accuracy: float | None, accuracy: float | None) -> float | None:
    """How far accuracy fell below the reference period's (positive = worse), clipped to [0, 1]."""
    if reference_accuracy is None or accuracy is None:
        return None
    return min(1.0, max(0.0, reference_accuracy - accuracy))


def downsample(curve: Curve, points: int = 200) -> Curve:
    """At most `points` points of a curve for drawing, always keeping both ends; the area is kept."""
    if len(curve.x) <= points:
        return curve
    keep = np.unique(np.linspace(0, len(curve.x) - 1, points).round().astype(int))

    def pick(seq: tuple[float, ...]) -> tuple[float, ...]:
        return tuple(seq[i] for i in keep)

    return Curve(pick(curve.x), pick(curve.y), pick(curve.thresholds), curve.area)


@dataclass(frozen=True)
class WindowQuality:
    """One model's quality over one window, with the sample-size gate applied."""

    status: str  # "ok" | "insufficient_data"
    auc: float | None
    average_precision: float | None
    confusion: Confusion
    brier: float | None
    estimated_accuracy: float | None
    labelled_share: float | None
    accuracy_drop: float | None

    @property
    def accuracy(self) -> float | None:
        return self.confusion.accuracy if self.status == "ok" else None


def window_quality(sums: Mapping[str, Any], reference_accuracy: float | None, min_samples: int) -> WindowQuality:
    """Quality figures from the evaluation query's sums: `labelled`, `positives`, tp/fp/tn/fn, `u` (the
    Mann-Whitney sum), `ap_sum`, `brier`, `predictions`, `unlabelled`, `estimated_accuracy`. Below
    `min_samples` labelled rows no quality figure is given; estimated accuracy needs as many unlabelled."""
    labelled, positives = int(sums.get("labelled") or 0), int(sums.get("positives") or 0)
    negatives = labelled - positives
    matrix = Confusion(*(int(sums.get(k) or 0) for k in ("tp", "fp", "tn", "fn")))
    estimated = sums.get("estimated_accuracy") if (sums.get("unlabelled") or 0) >= min_samples else None
    share = _ratio(labelled, sums.get("predictions") or 0)
    if labelled < min_samples:
        return WindowQuality("insufficient_data", None, None, matrix, None, estimated, share, None)
    auc = float(sums["u"]) / (positives * negatives) if positives and negatives else None
    ap = float(sums["ap_sum"]) / positives if positives else None
    return WindowQuality(
        "ok", auc, ap, matrix, sums.get("brier"), estimated, share, accuracy_drop(reference_accuracy, matrix.accuracy)
    )
