"""A window's quality result with its sampling errors filled in (analytics/uncertainty.py says how), from the
same merged counts and sums its figures come from: a stored window and an on-demand one get the same errors.
Errors are given only where their figure is (status "ok" and the figure defined)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace

from analytics import uncertainty as u
from answers.results import BinaryQuality, MulticlassQuality, RegressionQuality


def binary(result: BinaryQuality, auc_se: float | None, reference_rows: int) -> BinaryQuality:
    """`auc_se` from the window's score bins; `reference_rows` the labelled rows behind reference_accuracy."""
    share = u.wilson(result.labelled, result.predictions)
    if result.status != "ok":
        return replace(result, labelled_share_lo=share[0], labelled_share_hi=share[1])
    tp, fp, fn = result.tp, result.fp, result.fn
    accuracy, precision, recall = u.wilson(tp + result.tn, result.labelled), u.wilson(tp, tp + fp), u.wilson(tp, tp + fn)
    return replace(
        result,
        auc_se=auc_se if result.auc is not None else None,
        accuracy_lo=accuracy[0],
        accuracy_hi=accuracy[1],
        precision_lo=precision[0],
        precision_hi=precision[1],
        recall_lo=recall[0],
        recall_hi=recall[1],
        f1_se=u.f1_se(tp, fp, fn, result.tn) if result.f1 is not None else None,
        labelled_share_lo=share[0],
        labelled_share_hi=share[1],
        accuracy_drop_se=drop_se(result.accuracy, result.labelled, result.reference_accuracy, reference_rows),
    )


def drop_se(accuracy: float | None, rows: int, reference: float | None, reference_rows: int) -> float | None:
    """Standard error of reference - accuracy: both are binomial shares of their own rows, independent."""
    window = u.proportion_se(accuracy, rows) if accuracy is not None else None
    base = u.proportion_se(reference, reference_rows) if reference is not None else None
    if window is None or base is None:
        return None
    return math.sqrt(window * window + base * base)


def multiclass(result: MulticlassQuality) -> MulticlassQuality:
    share = u.wilson(result.labelled, result.predictions)
    found = replace(result, labelled_share_lo=share[0], labelled_share_hi=share[1])
    if result.accuracy is None:
        return found
    accuracy = u.wilson(round(result.accuracy * result.labelled), result.labelled)
    return replace(found, accuracy_lo=accuracy[0], accuracy_hi=accuracy[1])


def regression(result: RegressionQuality, sums: Mapping[str, float]) -> RegressionQuality:
    """`sums`: the window's merged regression sums (data/queries/regression_profiles.read)."""
    share = u.wilson(result.labelled, result.predictions)
    found = replace(result, labelled_share_lo=share[0], labelled_share_hi=share[1])
    if result.status != "ok":
        return found
    n = sums.get("labelled", 0.0)
    e_4 = sums.get("e_4") if not sums.get("e_4_missing") else None
    return replace(
        found,
        mae_se=u.mean_se(n, sums.get("abs_sum", 0.0), sums.get("e_sq", 0.0)),  # |e|^2 = e^2
        rmse_se=u.rmse_se(n, sums.get("e_sq", 0.0), e_4) if e_4 is not None else None,
    )
