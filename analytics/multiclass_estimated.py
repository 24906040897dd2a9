"""A multiclass model's performance estimated before labels arrive, from one-vs-rest calibration maps
(analytics/estimated.py's binned PAV map, one per class, fitted on the reference) and each class's
probability bins over the window's scored rows, split by whether the row was predicted as that class.

Per class c the rows are a binary problem ("is the true class c?") with score p_c and the prediction
"predicted as c": its expected TP, FP and FN, precision, recall, F1 and ROC AUC are the binary estimate's
(each with its delta-method standard error: the labels' Poisson-binomial spread and the map's sampling
error). The expected accuracy is the sum over rows of the calibrated probability of the predicted class,
over the rows: sum_c TP_c / rows. Its standard error is exact for the labels' part (each row is right
with probability q of its predicted class, rows independent) plus each map's error.

Stated approximations: the maps are one-vs-rest and NOT normalised across classes (a row's calibrated
probabilities need not sum to 1: normalising needs every row's joint probabilities, which per-class bins
do not keep); macro precision, recall, F1 and AUC are means over the classes that have a map and rows
(predicted as it, or expected to be it). Their labels' error takes a row's true class as one of K (its
class indicators negatively correlated), with one term approximated (`_macro`), except AUC's, which takes
classes as independent; the maps' errors are added per class (the maps share reference rows: their
covariance is not in the error). The estimate is unbiased only while every class's probability stays calibrated
on the live traffic as on the reference (no concept shift).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from analytics import estimated as est


@dataclass(frozen=True)
class ClassBins:
    """One class's probability bins over a set of scored rows: bin ids, whether the rows were predicted as
    the class, and row counts (every scored row once: those that left the class out at p = 0's bin)."""

    bin: np.ndarray
    predicted: np.ndarray
    n: np.ndarray


@dataclass(frozen=True)
class MulticlassEstimate:
    """Expected figures of a set of scored rows; precision, recall, F1 and AUC are macro averages."""

    rows: int
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
    classes: Mapping[str, est.Estimate]


def fit_class_map(bins: np.ndarray, labels: np.ndarray, groups: int = 20) -> est.CalibrationMap | None:
    """Class c's map from the reference's rows: the bin of p_c and whether c was the true class. A class
    the reference never (or always) saw true gets one group at that rate. None without rows."""
    bins = np.asarray(bins, dtype=np.int64)
    labels = np.asarray(labels, dtype=float)
    if len(bins) == 0:
        return None
    # every tier of class_prob_profile keeps fine bins, so cuts need no snapping (align 1: `fine` unused)
    found = est.fit_calibration(bins, labels, np.zeros(len(bins)), 1, 1, groups)
    if found is not None:
        return found
    return est.CalibrationMap(np.array([np.iinfo(np.int32).min]), np.array([float(labels[0])]), np.array([float(len(bins))]))


@dataclass(frozen=True)
class _Class:
    """One class's estimate, its merged cells and map: what the macro figures' errors need."""

    found: est.Estimate
    cells: est._Cells
    cal: est.CalibrationMap


def _mapped(c: _Class, a: float, b: float) -> float:
    """The map's part of the variance of a figure whose gradient is a on rows predicted as the class, else b."""
    gradient = np.where(c.cells.predicted, a, b)
    per_group = np.bincount(c.cells.group, weights=c.cells.n * gradient, minlength=len(c.cal.p))
    return float(np.sum(per_group**2 * c.cal.p * (1 - c.cal.p) / c.cal.n))


def _macro(figures: list[tuple[_Class, float, float, float]]) -> tuple[float | None, float | None]:
    """The mean of per-class figures (class, value, a, b: the value's gradient with respect to a row's
    indicator "the class is true" is a on rows predicted as the class, b on the others) and its error.

    A row's true class is one of K, so its indicators are multinomial: the labels' variance of the mean is
    sum over rows of sum_c g_c^2 q_c - (sum_c g_c q_c)^2. The first sum merges from the bins (a^2 TP + b^2 FN
    per class); in the second, the row predicted k has a_k q_k + sum_{c != k} b_c q_c, approximated by
    a_k q_k + b (1 - q_k) with b the FN-weighted mean of the b_c (the row's other probabilities are not kept
    jointly). Taking classes as independent instead under-covers: about 87 % for a 95 % band on simulated
    scores, against 94 % with this term (tests/unit/analytics/test_multiclass_estimated.py)."""
    if not figures:
        return None, None
    k = len(figures)
    fn = np.array([c.found.fn for c, _, _, _ in figures])
    bs = np.array([b for _, _, _, b in figures])
    b_mean = float(np.sum(bs * fn) / np.sum(fn)) if np.sum(fn) > 0 else 0.0
    first, second, mapped = 0.0, 0.0, 0.0
    for c, _, a, b in figures:
        first += a * a * c.found.tp + b * b * c.found.fn
        hit = c.cells.predicted
        row = a * c.cells.p[hit] + b_mean * (1 - c.cells.p[hit])
        second += float(np.sum(c.cells.n[hit] * row**2))
        mapped += _mapped(c, a, b)
    mean = math.fsum(v for _, v, _, _ in figures) / k
    return mean, math.sqrt(max(first - second, 0.0) + mapped) / k


def _gradients(c: _Class) -> dict[str, tuple[float, float, float] | None]:
    """Each figure's (value, a, b); sklearn's zero_division: a class no row was predicted as has precision 0
    and, without expected hits, F1 0; recall is left out of the mean for a class with no expected positives."""
    tp, fn = c.found.tp, c.found.fn
    called, positives = tp + c.found.fp, tp + fn
    d = called + positives
    return {
        "precision": (tp / called, 1 / called, 0.0) if called else (0.0, 0.0, 0.0),
        "recall": (tp / positives, fn / positives**2, -tp / positives**2) if positives else None,
        "f1": (2 * tp / d, 2 * (d - tp) / d**2, -2 * tp / d**2) if d else (0.0, 0.0, 0.0),
    }


def estimate(bins: Mapping[str, ClassBins], maps: Mapping[str, est.CalibrationMap], rows: int) -> MulticlassEstimate | None:
    """The estimate over `rows` scored rows given each class's bins; classes without a map count as never
    true (they add no expected hits). None for no rows."""
    if rows <= 0:
        return None
    per_class: dict[str, _Class] = {}
    hits, variance = 0.0, 0.0
    for name in sorted(bins):
        cal, b = maps.get(name), bins[name]
        found = None if cal is None else est.estimate(b.bin, b.predicted, b.n, cal)
        if cal is None or found is None:
            continue
        c = _Class(found, est._cells(b.bin, b.predicted, b.n, cal), cal)
        hits += found.tp
        # each row is right with probability q of its predicted class, rows independent: exact
        hit = c.cells.predicted
        variance += float(np.sum((c.cells.n * c.cells.p * (1 - c.cells.p))[hit])) / rows**2 + _mapped(c, 1 / rows, 0.0)
        if found.tp + found.fp > 0 or found.tp + found.fn > 0:
            per_class[name] = c
    macro: dict[str, tuple[float | None, float | None]] = {}
    for figure in ("precision", "recall", "f1"):
        parts = [(c, g) for c in per_class.values() if (g := _gradients(c)[figure]) is not None]
        macro[figure] = _macro([(c, *g) for c, g in parts])
    # AUC's gradient varies by bin, so its classes are taken as independent
    aucs = [(c.found.auc, c.found.auc_se or 0.0) for c in per_class.values() if c.found.auc is not None]
    auc = (
        (math.fsum(v for v, _ in aucs) / len(aucs), math.sqrt(math.fsum(s * s for _, s in aucs)) / len(aucs))
        if aucs
        else (None, None)
    )
    return MulticlassEstimate(
        rows=rows,
        accuracy=hits / rows,
        accuracy_se=math.sqrt(variance),
        precision=macro["precision"][0],
        precision_se=macro["precision"][1],
        recall=macro["recall"][0],
        recall_se=macro["recall"][1],
        f1=macro["f1"][0],
        f1_se=macro["f1"][1],
        auc=auc[0],
        auc_se=auc[1],
        classes={name: c.found for name, c in per_class.items()},
    )
