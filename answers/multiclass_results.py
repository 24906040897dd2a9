"""A multiclass model's quality over one window as a typed result (answers/multiclass.py builds it), and
the tables beyond model_evaluations that hold it; answers/results.py maps it to rows and back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from answers.tables import CurvePoint, Task


@dataclass(frozen=True)
class ClassFigures:
    """One class of a multiclass window (scikit-learn's per-class figures: 0 where a denominator is 0);
    auc is its one-vs-rest ROC AUC (None without probabilities, or without both outcomes), within its bound."""

    name: str
    support: int  # labelled rows whose true class this is
    predicted: int  # labelled rows predicted as this class
    precision: float
    recall: float
    f1: float
    auc: float | None = None
    auc_error_bound: float | None = None


@dataclass(frozen=True)
class ClassShareDrift:
    """The window's class shares of predictions or of labels (`side`) against the model's reference."""

    side: str  # "prediction" | "label"
    psi: float | None
    chi2_statistic: float | None
    chi2_pvalue: float | None
    js_distance: float | None
    reference_count: int
    current_count: int
    verdict: str


@dataclass(frozen=True)
class MulticlassQuality:
    """A multiclass model's quality over one window, from its merged profiles (answers/multiclass.py).
    precision, recall and f1 are macro averages and auc the macro one-vs-rest AUC (these sit in
    model_evaluations by name); the rest goes to the MULTICLASS_COLUMNS tables."""

    task: ClassVar[Task] = "multiclass"
    ts: datetime
    model: str
    model_version: str | None
    window_seconds: int
    predictions: int
    labelled: int
    unlabelled: int
    status: str
    labelled_share: float | None = None
    accuracy: float | None = None
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    micro_precision: float | None = None
    micro_recall: float | None = None
    micro_f1: float | None = None
    weighted_precision: float | None = None
    weighted_recall: float | None = None
    weighted_f1: float | None = None
    auc: float | None = None
    auc_error_bound: float | None = None
    log_loss: float | None = None
    scored: int = 0  # labelled rows that sent probabilities (log loss and AUC are over these)
    other: int = 0  # labelled rows whose true class was folded into __other__ (the model's class set was full)
    classes: tuple[ClassFigures, ...] = ()
    confusion: tuple[tuple[str, str, int], ...] = ()  # (true class, predicted class, rows), non-zero cells
    class_drift: tuple[ClassShareDrift, ...] = ()  # when the model has a reference
    accuracy_lo: float | None = None  # 95 % Wilson interval
    accuracy_hi: float | None = None
    labelled_share_lo: float | None = None
    labelled_share_hi: float | None = None
    # Estimated before labels over all the window's scored rows (analytics/multiclass_estimated.py; the
    # figures macro averages, each with its standard error), and its reconciliation over the labelled
    # scored rows: the estimate there beside the realized figures over the same rows (scored_*), and the
    # estimator's error, the larger |realized - estimated| in standard errors of accuracy and macro F1
    # (None below the sample-size gate). None without calibration maps.
    est_accuracy: float | None = None
    est_accuracy_se: float | None = None
    est_precision: float | None = None
    est_precision_se: float | None = None
    est_recall: float | None = None
    est_recall_se: float | None = None
    est_f1: float | None = None
    est_f1_se: float | None = None
    est_auc: float | None = None
    est_auc_se: float | None = None
    est_labelled_accuracy: float | None = None
    est_labelled_accuracy_se: float | None = None
    estimator_error: float | None = None
    est_rows: int | None = None
    est_labelled_rows: int | None = None
    est_labelled_f1: float | None = None
    est_labelled_f1_se: float | None = None
    scored_accuracy: float | None = None
    scored_f1: float | None = None
    curves: tuple[CurvePoint, ...] = field(default=(), compare=False, repr=False)


# What model_evaluations cannot hold, by table and column (migration 0017); columns are fields by name.
MULTICLASS_COLUMNS = {
    "multiclass_evaluations": (
        "ts", "model", "window_seconds", "scored", "other", "micro_precision", "micro_recall", "micro_f1",
        "weighted_precision", "weighted_recall", "weighted_f1", "log_loss",
        # estimates (migration 0023)
        "est_rows", "est_labelled_rows", "est_labelled_f1", "est_labelled_f1_se", "scored_accuracy", "scored_f1",
    ),
    "multiclass_class_evaluations": (
        "ts", "model", "window_seconds", "class", "support", "predicted", "precision", "recall", "f1", "auc", "auc_error_bound",
    ),
    "multiclass_confusion": ("ts", "model", "window_seconds", "true_class", "predicted", "n"),
    "multiclass_class_drift": (
        "ts", "model", "window_seconds", "side", "psi", "chi2_statistic", "chi2_pvalue", "js_distance",
        "reference_count", "current_count", "verdict",
    ),
}  # fmt: skip
