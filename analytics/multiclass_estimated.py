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
(predicted as it, or expected to be it), and their standard errors take the classes as independent (a
row's true-class indicators are negatively correlated across classes, and the maps share reference rows;
neither is in the error). The estimate is unbiased only while every class's probability stays calibrated
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


def _variance(cells: est._Cells, gradient: np.ndarray, cal: est.CalibrationMap) -> float:
    return est._se(cells, gradient, cal) ** 2


def _macro(values: list[tuple[float | None, float | None]]) -> tuple[float | None, float | None]:
    """Mean of the figures and its standard error taking them as independent (None figures left out)."""
    defined = [(v, s or 0.0) for v, s in values if v is not None]
    if not defined:
        return None, None
    k = len(defined)
    return math.fsum(v for v, _ in defined) / k, math.sqrt(math.fsum(s * s for _, s in defined)) / k


def estimate(bins: Mapping[str, ClassBins], maps: Mapping[str, est.CalibrationMap], rows: int) -> MulticlassEstimate | None:
    """The estimate over `rows` scored rows given each class's bins; classes without a map count as never
    true (they add no expected hits). None for no rows."""
    if rows <= 0:
        return None
    per_class: dict[str, est.Estimate] = {}
    hits, variance = 0.0, 0.0
    for name in sorted(bins):
        cal, b = maps.get(name), bins[name]
        if cal is None:
            continue
        found = est.estimate(b.bin, b.predicted, b.n, cal)
        if found is None:
            continue
        cells = est._cells(b.bin, b.predicted, b.n, cal)
        hits += found.tp
        variance += _variance(cells, np.where(cells.predicted, 1.0 / rows, 0.0), cal)
        if found.tp + found.fp > 0 or found.tp + found.fn > 0:
            per_class[name] = found
    # sklearn's zero_division: a class no row was predicted as has precision 0 (and F1 0 without hits)
    precision = _macro([(e.precision or 0.0, e.precision_se or 0.0) for e in per_class.values()])
    recall = _macro([(e.recall, e.recall_se) for e in per_class.values()])
    f1 = _macro([(e.f1 or 0.0, e.f1_se or 0.0) for e in per_class.values()])
    auc = _macro([(e.auc, e.auc_se) for e in per_class.values()])
    return MulticlassEstimate(
        rows=rows,
        accuracy=hits / rows,
        accuracy_se=math.sqrt(variance),
        precision=precision[0],
        precision_se=precision[1],
        recall=recall[0],
        recall_se=recall[1],
        f1=f1[0],
        f1_se=f1[1],
        auc=auc[0],
        auc_se=auc[1],
        classes=per_class,
    )
