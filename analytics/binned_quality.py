"""Model quality from a merged score profile: counts and score sums per (score bin, outcome, predicted
label), as data/queries/profile_reads.py reads them. Counts, the confusion matrix, Brier score,
calibration and estimated accuracy are exact (sums of the raw rows). AUC and average precision treat
the scores sharing a bin as tied, so each comes with a bound on its distance from the exact value:

- AUC: a positive-negative pair in one bin counts one half; the exact figure counts it 0, 1/2 or 1,
  so the error is at most half the share of positive-negative pairs that share a bin holding more
  than one distinct score (a bin with one distinct score is a true tie: exact).
- AP: each positive of a bin is credited the bin's precision; at its own threshold its precision lies
  between (TP+1)/(TP+1+FP+neg) and (TP+pos)/(TP+pos+FP), TP and FP counted above the bin, so the
  error is at most the sum over such bins of pos/P times that width.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from analytics import uncertainty

POSITIVE, NEGATIVE, UNLABELLED = 1, 0, -1


@dataclass(frozen=True)
class ScoreBins:
    """Rows of a merged score profile, one per (bin, outcome, predicted), as parallel arrays."""

    bin: np.ndarray
    outcome: np.ndarray
    predicted: np.ndarray
    n: np.ndarray
    score_sum: np.ndarray
    score_sq: np.ndarray
    score_min: np.ndarray
    score_max: np.ndarray


def coarsen(bins: ScoreBins, fine: int, factor: int) -> ScoreBins:
    """The same rows in bins `factor` times wider: ids 0 .. fine-1 become the first id of their group of
    `factor`; tail ids (below 0, from `fine` up) stay. Rows that now share a bin are merged downstream."""
    ids = bins.bin.astype(np.int64)
    middle = (ids >= 0) & (ids < fine)
    return ScoreBins(
        np.where(middle, ids // factor * factor, ids),
        bins.outcome,
        bins.predicted,
        bins.n,
        bins.score_sum,
        bins.score_sq,
        bins.score_min,
        bins.score_max,
    )


@dataclass(frozen=True)
class LabelledBins:
    """Labelled rows per non-empty score bin, ascending: what the curves and AUC/AP are built from."""

    threshold: np.ndarray  # the bin's smallest labelled score: every row of the bin is at or above it
    pos: np.ndarray
    neg: np.ndarray
    mixed: np.ndarray  # the bin holds more than one distinct labelled score


def _sum(bins: ScoreBins, mask: np.ndarray, column: np.ndarray) -> float:
    return float(column[mask].sum())


def labelled_bins(bins: ScoreBins) -> LabelledBins:
    labelled = bins.outcome != UNLABELLED
    ids, inverse = np.unique(bins.bin[labelled], return_inverse=True)
    size = len(ids)
    positive = (bins.outcome[labelled] == POSITIVE).astype(float)
    n = bins.n[labelled].astype(float)
    lo = np.full(size, np.inf)
    hi = np.full(size, -np.inf)
    np.minimum.at(lo, inverse, bins.score_min[labelled])
    np.maximum.at(hi, inverse, bins.score_max[labelled])
    pos = np.bincount(inverse, weights=n * positive, minlength=size).astype(float)  # int64 when empty
    neg = np.bincount(inverse, weights=n * (1 - positive), minlength=size).astype(float)
    return LabelledBins(lo, pos, neg, lo < hi)


def auc_error_bound(b: LabelledBins) -> float | None:
    p, n = b.pos.sum(), b.neg.sum()
    if p == 0 or n == 0:
        return None
    return float(0.5 * np.sum((b.pos * b.neg)[b.mixed]) / (p * n))


def ap_error_bound(b: LabelledBins) -> float | None:
    p = b.pos.sum()
    if p == 0:
        return None
    pos, neg, mixed = b.pos[::-1], b.neg[::-1], b.mixed[::-1]  # from the highest bin down
    tp_above, fp_above = np.cumsum(pos) - pos, np.cumsum(neg) - neg
    upper = (tp_above + pos) / np.maximum(1.0, tp_above + pos + fp_above)
    lower = (tp_above + 1) / (tp_above + 1 + fp_above + neg)
    width = np.where(mixed & (pos > 0), upper - lower, 0.0)
    return float(np.sum(pos / p * width))


def summary(bins: ScoreBins) -> dict[str, Any]:
    """The sums analytics.quality.window_quality takes (predictions, labelled, positives, tp/fp/tn/fn,
    u, ap_sum, brier, unlabelled, estimated_accuracy), plus auc_error_bound, ap_error_bound and auc_se (the
    binned AUC's DeLong standard error)."""
    out, pos, neg = bins.outcome, bins.outcome == POSITIVE, bins.outcome == NEGATIVE
    labelled, unlabelled = pos | neg, out == UNLABELLED
    hit = bins.predicted == 1
    count = {
        name: int(bins.n[mask].sum())
        for name, mask in (
            ("predictions", np.ones_like(labelled)),
            ("labelled", labelled),
            ("positives", pos),
            ("unlabelled", unlabelled),
            ("tp", pos & hit),
            ("fp", neg & hit),
            ("tn", neg & ~hit),
            ("fn", pos & ~hit),
        )
    }
    lb = labelled_bins(bins)
    neg_below = np.cumsum(lb.neg) - lb.neg
    tp_at, fp_at = np.cumsum(lb.pos[::-1])[::-1], np.cumsum(lb.neg[::-1])[::-1]
    ap_terms = np.divide(lb.pos * tp_at, tp_at + fp_at, out=np.zeros_like(lb.pos), where=(tp_at + fp_at) > 0)
    labelled_n = count["labelled"]
    brier = None
    if labelled_n:
        brier = (_sum(bins, labelled, bins.score_sq) - 2 * _sum(bins, pos, bins.score_sum) + count["positives"]) / labelled_n
    estimated = None
    if count["unlabelled"]:
        right = _sum(bins, unlabelled & hit, bins.score_sum) + (
            _sum(bins, unlabelled & ~hit, bins.n) - _sum(bins, unlabelled & ~hit, bins.score_sum)
        )
        estimated = right / count["unlabelled"]
    return {
        **count,
        "u": float(np.sum(lb.pos * (neg_below + 0.5 * lb.neg))),
        "ap_sum": float(np.sum(ap_terms)),
        "brier": brier,
        "estimated_accuracy": estimated,
        "auc_error_bound": auc_error_bound(lb),
        "ap_error_bound": ap_error_bound(lb),
        "auc_se": uncertainty.auc_se(lb.pos, lb.neg),
    }


def calibration_bins(bins: ScoreBins, score_bins: int, groups: int = 10) -> list[tuple[float, float, int]]:
    """(mean score, observed positive rate, rows) per equal-width score group with labelled rows, the
    `score_bins` equal-width bins of [0, 1] (ids below 0 or above are the tails) nesting in the groups."""
    labelled = bins.outcome != UNLABELLED
    group = np.clip(bins.bin[labelled].astype(np.int64) * groups // score_bins, 0, groups - 1)
    n = np.bincount(group, weights=bins.n[labelled], minlength=groups)
    total = np.bincount(group, weights=bins.score_sum[labelled], minlength=groups)
    positive = np.bincount(group, weights=bins.n[labelled] * (bins.outcome[labelled] == POSITIVE), minlength=groups)
    return [(float(total[g] / n[g]), float(positive[g] / n[g]), int(n[g])) for g in range(groups) if n[g] > 0]
