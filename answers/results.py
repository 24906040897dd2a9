"""A model's quality over one window as a typed result, one frozen dataclass per task, and the one place
that maps a result to its stored rows (model_evaluations, model_curves) and back, by column name.

Each task's result (BinaryQuality, MulticlassQuality in answers/multiclass_results.py, RegressionQuality) has
the common fields of `QualityResult` and is listed in `QUALITY_TYPES`; a column of model_evaluations (its
layout in answers/tables.py) a task has no figure for is stored as NULL.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from answers.multiclass_results import MULTICLASS_COLUMNS as MULTICLASS_COLUMNS
from answers.multiclass_results import ClassFigures as ClassFigures
from answers.multiclass_results import ClassShareDrift as ClassShareDrift
from answers.multiclass_results import MulticlassQuality as MulticlassQuality
from answers.tables import CURVE_COLUMNS as CURVE_COLUMNS
from answers.tables import EVALUATION_COLUMNS as EVALUATION_COLUMNS
from answers.tables import TASKS as TASKS
from answers.tables import CurvePoint as CurvePoint
from answers.tables import Row as Row
from answers.tables import Task as Task

if TYPE_CHECKING:
    import pandas as pd


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
