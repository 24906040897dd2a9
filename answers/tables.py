"""What the stored model-quality tables hold: the task names, the columns of model_evaluations and
model_curves in their schema order, and a curve's point (answers/results.py maps results to these rows)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

Task = Literal["binary", "multiclass", "regression"]
TASKS: tuple[Task, ...] = get_args(Task)
Row = tuple[Any, ...]  # one stored row, in its table's column order

# The tables' columns in their schema order (the writer takes rows in that order; tests/unit/answers checks it).
EVALUATION_COLUMNS = (
    "ts",
    "model",
    "model_version",
    "window_seconds",
    "predictions",
    "labelled",
    "positives",
    "auc",
    "average_precision",
    "precision",
    "recall",
    "f1",
    "accuracy",
    "estimated_accuracy",
    "unlabelled",
    "brier",
    "labelled_share",
    "reference_accuracy",
    "accuracy_drop",
    "tp",
    "fp",
    "tn",
    "fn",
    "status",
    "auc_error_bound",
    "ap_error_bound",
    # regression (migration 0018)
    "mae",
    "rmse",
    "mape",
    "mape_count",
    "smape",
    "r2",
    "mean_error",
    "abs_error_p50",
    "abs_error_p90",
    "abs_error_p99",
    "abs_error_p50_bound",
    "abs_error_p90_bound",
    "abs_error_p99_bound",
    # sampling errors (migration 0020): 95 % intervals (_lo, _hi) and standard errors (_se), analytics/uncertainty.py
    "auc_se",
    "accuracy_lo",
    "accuracy_hi",
    "precision_lo",
    "precision_hi",
    "recall_lo",
    "recall_hi",
    "f1_se",
    "labelled_share_lo",
    "labelled_share_hi",
    "accuracy_drop_se",
    "mae_se",
    "rmse_se",
    # estimates (migration 0022)
    "est_tp",
    "est_fp",
    "est_tn",
    "est_fn",
    "est_accuracy",
    "est_accuracy_se",
    "est_precision",
    "est_precision_se",
    "est_recall",
    "est_recall_se",
    "est_f1",
    "est_f1_se",
    "est_auc",
    "est_auc_se",
    "est_labelled_accuracy",
    "est_labelled_accuracy_se",
    "est_labelled_auc",
    "est_labelled_auc_se",
    "estimator_error",
)
CURVE_COLUMNS = ("ts", "model", "window_seconds", "curve", "point", "x", "y", "threshold", "n")


@dataclass(frozen=True)
class CurvePoint:
    """One point of a curve. roc: x = false positive rate, y = true positive rate; pr: x = recall,
    y = precision; calibration: x = mean score, y = observed positive rate, n = rows in the bin."""

    curve: str
    point: int
    x: float | None
    y: float | None
    threshold: float | None = None  # None where it is not finite (the ROC curve's first point)
    n: int | None = None
