"""A model's quality over one window as a typed result, one frozen dataclass per task, and the one place
that maps a result to its stored rows (model_evaluations, model_curves) and back, by column name.

Binary classifiers are the only task answered today; multiclass and regression results will sit beside
`BinaryQuality` as their own dataclasses with the same common fields (`QualityResult`), listed in
`QUALITY_TYPES`. A table column a task has no figure for is stored as NULL.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol, get_args

if TYPE_CHECKING:
    import pandas as pd


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


class QualityResult(Protocol):
    """What every task's result has: which window of which model, how many rows, and whether enough."""

    task: ClassVar[Task]

    @property
    def ts(self) -> datetime: ...
    @property
    def model(self) -> str: ...
    @property
    def model_version(self) -> str | None: ...
    @property
    def window_seconds(self) -> int: ...
    @property
    def predictions(self) -> int: ...
    @property
    def labelled(self) -> int: ...
    @property
    def unlabelled(self) -> int: ...
    @property
    def status(self) -> str: ...  # "ok" | "insufficient_data"
    @property
    def curves(self) -> tuple[CurvePoint, ...]: ...


@dataclass(frozen=True)
class BinaryQuality:
    """A binary classifier's quality over one window. Figures are None below the sample-size gate
    (status "insufficient_data") or where undefined; AUC and AP come from binned scores and are each
    within their error bound of the exact figure."""

    task: ClassVar[Task] = "binary"
    ts: datetime
    model: str
    model_version: str | None
    window_seconds: int
    predictions: int
    labelled: int
    unlabelled: int
    positives: int
    status: str
    labelled_share: float | None = None
    auc: float | None = None
    auc_error_bound: float | None = None
    average_precision: float | None = None
    ap_error_bound: float | None = None
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    accuracy: float | None = None
    estimated_accuracy: float | None = None
    brier: float | None = None
    reference_accuracy: float | None = None
    accuracy_drop: float | None = None
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0
    # sampling errors: 95 % Wilson intervals of the proportions, standard errors of the rest
    auc_se: float | None = None
    accuracy_lo: float | None = None
    accuracy_hi: float | None = None
    precision_lo: float | None = None
    precision_hi: float | None = None
    recall_lo: float | None = None
    recall_hi: float | None = None
    f1_se: float | None = None
    labelled_share_lo: float | None = None
    labelled_share_hi: float | None = None
    accuracy_drop_se: float | None = None  # the window's and the reference's binomial errors combined
    # Estimated before labels from the calibrated scores of all the window's rows (analytics/estimated.py),
    # each figure with its standard error; est_labelled_* the same estimate over the labelled rows, beside
    # the realized figures there; estimator_error the larger |realized - estimated| in standard errors of
    # accuracy and AUC (None below the sample-size gate). None without a calibration map.
    est_tp: float | None = None
    est_fp: float | None = None
    est_tn: float | None = None
    est_fn: float | None = None
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
    est_labelled_auc: float | None = None
    est_labelled_auc_se: float | None = None
    estimator_error: float | None = None
    # ROC, PR and calibration points of the same bins (when status is "ok"); empty when read back from
    # model_evaluations, whose curves are stored apart in model_curves.
    curves: tuple[CurvePoint, ...] = field(default=(), compare=False, repr=False)


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
    curves: tuple[CurvePoint, ...] = field(default=(), compare=False, repr=False)


# What model_evaluations cannot hold, by table and column (migration 0017); columns are fields by name.
MULTICLASS_COLUMNS = {
    "multiclass_evaluations": (
        "ts", "model", "window_seconds", "scored", "other", "micro_precision", "micro_recall", "micro_f1",
        "weighted_precision", "weighted_recall", "weighted_f1", "log_loss",
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


def multiclass_rows(result: MulticlassQuality) -> dict[str, list[Row]]:
    """The result's MULTICLASS_COLUMNS rows (its model_evaluations row is `evaluation_row`)."""
    key = {"ts": result.ts, "model": result.model, "window_seconds": result.window_seconds}
    classes = [{**key, **vars(c), "class": c.name} for c in result.classes]
    cells = [{**key, "true_class": t, "predicted": p, "n": n} for t, p, n in result.confusion]
    named_rows = {
        "multiclass_evaluations": [{**key, **vars(result)}],
        "multiclass_class_evaluations": classes,
        "multiclass_confusion": cells,
        "multiclass_class_drift": [{**key, **vars(d)} for d in result.class_drift],
    }
    return {table: [tuple(r[c] for c in MULTICLASS_COLUMNS[table]) for r in rows] for table, rows in named_rows.items()}


def multiclass_from_rows(
    evaluation: Mapping[str, Any],
    extra: Mapping[str, Any],
    classes: Sequence[Mapping[str, Any]],
    cells: Sequence[Row],
    drift: Sequence[Mapping[str, Any]] = (),
) -> MulticlassQuality:
    """Stored rows (by column name) back as the result: its model_evaluations row, its multiclass_evaluations
    row, its class rows, its (true class, predicted, n) cells and its class-share drift rows."""
    stored = {name: _value(evaluation.get(name)) for name in _STORED["multiclass"]}
    more = {c: _value(extra.get(c)) for c in MULTICLASS_COLUMNS["multiclass_evaluations"][3:]}
    figures = tuple(
        ClassFigures(**{f.name: _value(c.get("class" if f.name == "name" else f.name)) for f in fields(ClassFigures)})
        for c in classes
    )
    shifts = tuple(ClassShareDrift(**{f.name: _value(d.get(f.name)) for f in fields(ClassShareDrift)}) for d in drift)
    cells_back = tuple((t, p, int(n)) for t, p, n in cells)
    return MulticlassQuality(**stored, **more, classes=figures, confusion=cells_back, class_drift=shifts)


@dataclass(frozen=True)
class RegressionQuality:
    """A regression model's quality over one window, from its merged profiles (analytics/regression.py says
    how): sums-based figures exact, |error| quantiles within their bound; None below the sample-size gate
    (status "insufficient_data") or where undefined (MAPE without a label != 0)."""

    task: ClassVar[Task] = "regression"
    ts: datetime
    model: str
    model_version: str | None
    window_seconds: int
    predictions: int
    labelled: int
    unlabelled: int
    status: str
    labelled_share: float | None = None
    mae: float | None = None
    rmse: float | None = None
    mape: float | None = None
    mape_count: int | None = None  # labelled rows with a label != 0 (MAPE's denominator)
    smape: float | None = None
    r2: float | None = None
    mean_error: float | None = None  # bias: mean of prediction - label
    abs_error_p50: float | None = None
    abs_error_p90: float | None = None
    abs_error_p99: float | None = None
    abs_error_p50_bound: float | None = None
    abs_error_p90_bound: float | None = None
    abs_error_p99_bound: float | None = None
    labelled_share_lo: float | None = None  # 95 % Wilson interval
    labelled_share_hi: float | None = None
    mae_se: float | None = None
    rmse_se: float | None = None  # None when a minute of the window was profiled without the sum of e^4
    curves: tuple[CurvePoint, ...] = field(default=(), compare=False, repr=False)


QUALITY_TYPES: dict[Task, type[BinaryQuality] | type[MulticlassQuality] | type[RegressionQuality]] = {
    "binary": BinaryQuality,
    "multiclass": MulticlassQuality,
    "regression": RegressionQuality,
}
_STORED = {task: [f.name for f in fields(kind) if f.name in EVALUATION_COLUMNS] for task, kind in QUALITY_TYPES.items()}


def named(result: QualityResult) -> dict[str, Any]:
    """The result's stored figures by column name (what the evaluation table holds for it)."""
    return {name: getattr(result, name) for name in _STORED[result.task]}


def evaluation_row(result: QualityResult) -> Row:
    """The result as a model_evaluations row (columns its task has no figure for are NULL)."""
    found = named(result)
    return tuple(found.get(column) for column in EVALUATION_COLUMNS)


def curve_rows(result: QualityResult) -> list[Row]:
    """The result's curve points as model_curves rows."""
    key = {"ts": result.ts, "model": result.model, "window_seconds": result.window_seconds}
    return [tuple(key[c] if c in key else getattr(p, c) for c in CURVE_COLUMNS) for p in result.curves]


def quality_from_row(row: Mapping[str, Any], task: Task = "binary") -> BinaryQuality:
    """A stored model_evaluations row (by column name) back as its task's result (multiclass results need
    their own tables too: `multiclass_from_rows`)."""
    return BinaryQuality(**{name: _value(row.get(name)) for name in _STORED[task]})


def regression_from_row(row: Mapping[str, Any]) -> RegressionQuality:
    """A stored model_evaluations row (by column name) back as a regression result."""
    return RegressionQuality(**{name: _value(row.get(name)) for name in _STORED["regression"]})


def _value(value: Any) -> Any:
    """A stored NaN is an undefined figure: None, as the answer that was stored had it."""
    return None if isinstance(value, float) and math.isnan(value) else value


def curve_frame(results: Sequence[QualityResult]) -> pd.DataFrame:
    """The results' curve points as the stored ones are read (data/queries/model_views.py latest_curves)."""
    import pandas as pd

    rows = [(r.model, p.curve, p.point, p.x, p.y, p.threshold, p.n) for r in results for p in r.curves]
    return pd.DataFrame(rows, columns=["model", "curve", "point", "x", "y", "threshold", "n"])
