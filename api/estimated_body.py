"""The `estimated` object of a binary or multiclass model's entry in /api/model_performance: the estimate
from calibrated scores over all the window's rows (analytics/estimated.py, analytics/multiclass_estimated.py),
and its reconciliation with the labels."""

from __future__ import annotations

import math
from typing import Any

from answers.results import BinaryQuality, MulticlassQuality

_NUM = {"type": ["number", "null"]}
_FIGURES = {"type": "object", "properties": {k: _NUM for k in ("accuracy", "precision", "recall", "f1", "auc")}}


def _clean(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else value


ESTIMATED = ("accuracy", "precision", "recall", "f1", "auc")


def body(r: BinaryQuality) -> dict[str, Any] | None:
    """The estimate from calibrated scores over all the window's rows, and its reconciliation with the
    labels: the same estimate over the labelled rows beside the realized figures there (None without a
    calibration map)."""
    if r.est_accuracy is None:
        return None
    realized = {"accuracy": r.accuracy, "auc": r.auc}
    on_labelled = {
        "accuracy": (r.est_labelled_accuracy, r.est_labelled_accuracy_se),
        "auc": (r.est_labelled_auc, r.est_labelled_auc_se),
    }
    return {
        "metrics": {k: _clean(getattr(r, f"est_{k}")) for k in ESTIMATED},
        "standard_errors": {k: _clean(getattr(r, f"est_{k}_se")) for k in ESTIMATED},
        "confusion_matrix": {k: _clean(getattr(r, f"est_{k}")) for k in ("tp", "fp", "tn", "fn")},
        "reconciliation": {
            "labelled_share": _clean(r.labelled_share),
            "figures": {k: _reconciled(realized[k], est, se) for k, (est, se) in on_labelled.items()},
            "error_in_standard_errors": _clean(r.estimator_error),
        },
    }


def multiclass_body(r: MulticlassQuality) -> dict[str, Any] | None:
    """A multiclass model's: accuracy and macro figures over its scored rows; reconciled on the labelled
    scored rows by accuracy and macro F1 (None without calibration maps)."""
    if r.est_accuracy is None:
        return None
    on_labelled = {
        "accuracy": (r.scored_accuracy, r.est_labelled_accuracy, r.est_labelled_accuracy_se),
        "f1": (r.scored_f1, r.est_labelled_f1, r.est_labelled_f1_se),
    }
    return {
        "metrics": {k: _clean(getattr(r, f"est_{k}")) for k in ESTIMATED},
        "standard_errors": {k: _clean(getattr(r, f"est_{k}_se")) for k in ESTIMATED},
        "confusion_matrix": None,
        "rows": r.est_rows,
        "reconciliation": {
            "labelled_share": _clean(r.labelled_share),
            "labelled_rows": r.est_labelled_rows,
            "figures": {k: _reconciled(*found) for k, found in on_labelled.items()},
            "error_in_standard_errors": _clean(r.estimator_error),
        },
    }


def _reconciled(realized: float | None, estimated: float | None, se: float | None) -> dict[str, Any]:
    error = realized - estimated if realized is not None and estimated is not None else None
    return {
        "estimated": _clean(estimated),
        "standard_error": _clean(se),
        "realized": _clean(realized),
        "error": _clean(error),
    }


_RECONCILED = {
    "type": "object",
    "properties": {k: _NUM for k in ("estimated", "standard_error", "realized", "error")},
}
SCHEMA = {
    "type": ["object", "null"],
    "description": "Estimated before labels from the scores, calibrated by a map fitted on the reference "
    "(CBPE-like: unbiased while the scores stay calibrated, no concept shift): expected figures and confusion "
    "counts over all the window's rows with their standard errors (the labels' Poisson-binomial spread and the "
    "map's own error). `reconciliation`: the same estimate over the labelled rows beside the realized figures "
    "there, error = realized - estimated, and the larger |error| of accuracy and AUC in standard errors (null "
    "below the sample-size gate). Null without a calibration map (no reference yet, or one outcome only). "
    "Multiclass models: one-vs-rest maps per class fitted on the reference's scored rows (not normalised across "
    "classes); metrics over the window's rows that sent probabilities (`rows`): accuracy = sum of the calibrated "
    "probability of each row's predicted class / rows, precision/recall/F1/AUC macro averages over the classes "
    "with a map (their errors: analytics/multiclass_estimated.py); no confusion_matrix (null); reconciled "
    "on the labelled rows that sent probabilities by accuracy and macro F1 (`figures.f1`).",
    "properties": {
        "metrics": _FIGURES,
        "standard_errors": _FIGURES,
        "confusion_matrix": {"type": ["object", "null"], "properties": {k: _NUM for k in ("tp", "fp", "tn", "fn")}},
        "rows": {"type": "integer", "description": "multiclass: the scored rows the estimate covers"},
        "reconciliation": {
            "type": "object",
            "properties": {
                "labelled_share": _NUM,
                "labelled_rows": {"type": ["integer", "null"], "description": "multiclass: labelled scored rows"},
                "figures": {
                    "type": "object",
                    "properties": {"accuracy": _RECONCILED, "auc": _RECONCILED, "f1": _RECONCILED},
                },
                "error_in_standard_errors": _NUM,
            },
        },
    },
}
