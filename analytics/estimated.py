"""Performance estimated before labels arrive, CBPE-like (confidence-based performance estimation, as
NannyML documents it): a calibration map fitted on the reference turns each score bin into a probability
p that a row of it is positive; a window's expected confusion matrix, accuracy, precision, recall, F1 and
ROC AUC follow from its score-bin counts alone (each bin contributes p positives and 1 - p negatives per
row), so any window's estimate is a sum over merged profile slices, never a re-read of raw rows.

The map is binned: the reference's score-bin ids cut into about `groups` groups of equal counts (cuts on
multiples of `align` inside [0, fine), so day-tier bins, `align` times wider, never straddle a cut; one cut
where the predicted label turns positive), each group's observed positive rate made monotone in the score
by pool-adjacent-violators (PAV: adjacent groups that break the order are pooled).

Each figure has a standard error with two parts: the labels' own spread given the scores (each row's
label is Bernoulli(p), so the counts are Poisson-binomial: variance sum p(1 - p)), and the map's
sampling error (a group's rate from m reference rows varies by p(1 - p) / m). Ratios (recall, F1, AUC)
take both through the delta method: the per-row gradient of the figure with respect to the label, at
the expected labels. The estimate is unbiased only while the scores stay calibrated on the live traffic
as on the reference (no concept shift: P(y | score) unchanged); that is what reconciliation checks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CalibrationMap:
    """Groups of score-bin ids, ascending: group i holds bins from lo_bin[i] up to lo_bin[i+1] (the first
    group from -infinity, the last to +infinity); p its (monotone) positive rate, n its reference rows."""

    lo_bin: np.ndarray
    p: np.ndarray
    n: np.ndarray

    def group(self, bins: np.ndarray) -> np.ndarray:
        return np.clip(np.searchsorted(self.lo_bin, bins, side="right") - 1, 0, len(self.lo_bin) - 1)


def pool_adjacent_violators(rate: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Non-decreasing weighted fit of `rate`: (first index, pooled rate, pooled weight) per block."""
    starts: list[int] = []
    values: list[float] = []
    weights: list[float] = []
    for i, (r, w) in enumerate(zip(rate.tolist(), weight.tolist(), strict=True)):
        starts.append(i)
        values.append(r)
        weights.append(w)
        while len(values) > 1 and values[-2] > values[-1]:
            w2 = weights[-2] + weights[-1]
            values[-2] = (values[-2] * weights[-2] + values[-1] * weights[-1]) / w2
            weights[-2] = w2
            del starts[-1], values[-1], weights[-1]
    return np.array(starts, dtype=np.int64), np.array(values), np.array(weights)


def fit_calibration(
    bins: np.ndarray, labels: np.ndarray, predicted: np.ndarray, fine: int, align: int, groups: int = 20
) -> CalibrationMap | None:
    """The map of a reference's rows: their score-bin ids, 0/1 labels and 0/1 predicted labels.
    None without both outcomes."""
    bins = np.asarray(bins, dtype=np.int64)
    labels = np.asarray(labels, dtype=float)
    if len(bins) == 0 or labels.min() == labels.max():
        return None
    ordered = np.sort(bins)
    cuts = set(ordered[(np.arange(1, groups) * len(ordered)) // groups].tolist())
    positive = bins[np.asarray(predicted) == 1]
    if len(positive) and len(positive) < len(bins):
        cuts.add(int(positive.min()))
    snapped = np.array(sorted({c // align * align if 0 <= c < fine else c for c in cuts}), dtype=np.int64)
    group = np.searchsorted(snapped, bins, side="right")  # 0 below the first cut
    n = np.bincount(group, minlength=len(snapped) + 1).astype(float)
    pos = np.bincount(group, weights=labels, minlength=len(snapped) + 1)
    keep = n > 0
    lo = np.r_[np.iinfo(np.int32).min, snapped][keep]  # the first group from below every profile bin id
    start, rate, weight = pool_adjacent_violators(pos[keep] / n[keep], n[keep])
    return CalibrationMap(lo[start], rate, weight)


@dataclass(frozen=True)
class Estimate:
    """Expected figures of a set of rows from their calibrated scores, each with its standard error."""

    rows: int
    tp: float
    fp: float
    tn: float
    fn: float
    accuracy: float
    accuracy_se: float
    precision: float | None
    precision_se: float | None
    recall: float | None
    recall_se: float | None
    f1: float | None
    f1_se: float | None
    auc: float | None
    auc_se: float | None


@dataclass(frozen=True)
class _Cells:
    """Rows merged per (score bin, predicted label), ascending by bin, with their calibrated rate."""

    bin: np.ndarray
    predicted: np.ndarray
    n: np.ndarray
    p: np.ndarray
    group: np.ndarray


def _cells(bins: np.ndarray, predicted: np.ndarray, n: np.ndarray, cal: CalibrationMap) -> _Cells:
    key = np.asarray(bins, dtype=np.int64) * 2 + (np.asarray(predicted) == 1)
    keys, inverse = np.unique(key, return_inverse=True)
    counts = np.bincount(inverse, weights=np.asarray(n, dtype=float), minlength=len(keys))
    keep = counts > 0
    keys, counts = keys[keep], counts[keep]
    ids = keys // 2
    group = cal.group(ids)
    return _Cells(ids, (keys % 2).astype(bool), counts, cal.p[group], group)


def _se(cells: _Cells, gradient: np.ndarray, cal: CalibrationMap) -> float:
    """Delta-method standard error: the labels' Poisson-binomial spread plus the map's sampling error."""
    labels = float(np.sum(cells.n * gradient**2 * cells.p * (1 - cells.p)))
    per_group = np.bincount(cells.group, weights=cells.n * gradient, minlength=len(cal.p))
    mapped = float(np.sum(per_group**2 * cal.p * (1 - cal.p) / cal.n))
    return math.sqrt(labels + mapped)


def estimate(bins: np.ndarray, predicted: np.ndarray, n: np.ndarray, cal: CalibrationMap) -> Estimate | None:
    """The estimate over rows given as (score-bin id, predicted 0/1, count) triples (a pair may repeat:
    counts add up). None for no rows."""
    c = _cells(bins, predicted, n, cal)
    rows = float(c.n.sum())
    if rows == 0:
        return None
    hit = c.predicted
    tp, fp = float(np.sum((c.n * c.p)[hit])), float(np.sum((c.n * (1 - c.p))[hit]))
    fn, tn = float(np.sum((c.n * c.p)[~hit])), float(np.sum((c.n * (1 - c.p))[~hit]))
    called, positives = tp + fp, tp + fn
    d = called + positives  # F1's denominator: 2 TP + FP + FN
    auc, auc_se = _auc(c, cal)
    return Estimate(
        rows=round(rows),
        tp=tp,
        fp=fp,
        tn=tn,
        fn=fn,
        accuracy=(tp + tn) / rows,
        accuracy_se=_se(c, np.where(hit, 1.0, -1.0) / rows, cal),
        precision=tp / called if called else None,
        precision_se=_se(c, np.where(hit, 1 / called, 0.0), cal) if called else None,
        recall=tp / positives if positives else None,
        recall_se=_se(c, np.where(hit, fn, -tp) / positives**2, cal) if positives else None,
        f1=2 * tp / d if d else None,
        f1_se=_se(c, np.where(hit, 2 * (d - tp), -2 * tp) / d**2, cal) if d else None,
        auc=auc,
        auc_se=auc_se,
    )


def _auc(c: _Cells, cal: CalibrationMap) -> tuple[float | None, float | None]:
    """Expected ROC AUC (rows of a bin tied: a pair within it counts one half) and its delta-method error."""
    ids, inverse = np.unique(c.bin, return_inverse=True)
    pos = np.bincount(inverse, weights=c.n * c.p, minlength=len(ids))
    neg = np.bincount(inverse, weights=c.n * (1 - c.p), minlength=len(ids))
    p_total, n_total = float(pos.sum()), float(neg.sum())
    if p_total <= 0 or n_total <= 0:
        return None, None
    neg_below = np.cumsum(neg) - neg
    pos_above = p_total - np.cumsum(pos)
    auc = float(np.sum(pos * (neg_below + 0.5 * neg))) / (p_total * n_total)
    # d AUC / d y_k for a row of bin k: pairs it wins as a positive, less those it loses as a negative,
    # less the change of the pair count P * N
    gradient = (neg_below + 0.5 * neg) - (pos_above + 0.5 * pos) - auc * (n_total - p_total)
    return auc, _se(c, gradient[inverse] / (p_total * n_total), cal)
