"""A regression model in GET /api/model_performance: the shared keys (sample sizes, status; the classifier
figures under `metrics` are null) and a `regression` object with its figures, each named, and the bound of
each |error| quantile."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from answers.results import RegressionQuality, regression_from_row
from api import sampling_body
from data.clock import iso_utc
from data.queries import model_tasks
from data.store import Store

NOTE = (
    "mae, rmse, mape, smape, r2 and mean_error are exact (from summed profiles); mape is over labels != 0 "
    "(mape_count rows), smape = mean of 2|e| / (|p| + |y|) (0 where both are 0), both fractions; error = "
    "prediction - label. Each |error| quantile is the midpoint of the log-spaced bin (2.33 % wide) holding it, "
    "within `bound` of the exact inverted-CDF quantile"
)
FIGURES = ("mae", "rmse", "mape", "mape_count", "smape", "r2", "mean_error")
QUANTILES = ("p50", "p90", "p99")
_NUM = {"type": ["number", "null"]}
SCHEMA = {
    "type": ["object", "null"],
    "description": "a regression model's figures (null for a classifier)",
    "properties": {
        **{k: _NUM for k in FIGURES},
        "abs_error_quantiles": {
            "type": "object",
            "properties": {q: {"type": "object", "properties": {"value": _NUM, "bound": _NUM}} for q in QUANTILES},
        },
        "note": {"type": "string"},
    },
}


def _clean(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else value


def stored_results(store: Store, rows: Sequence[Mapping[str, Any]], results: Sequence[Any]) -> list[Any]:
    """`results` (one per stored row) with each regression model's row read back as its RegressionQuality."""
    recorded = model_tasks.tasks(store)
    return [
        regression_from_row(row) if model_tasks.task_of(recorded, row["model"]) == "regression" else result
        for row, result in zip(rows, results, strict=True)
    ]


def body(r: RegressionQuality) -> dict[str, Any]:
    return {
        "model": r.model,
        "task": r.task,
        "model_version": r.model_version,
        "evaluated_at": iso_utc(r.ts),
        "status": r.status,
        "sample_sizes": {"predictions": r.predictions, "labelled": r.labelled, "unlabelled": r.unlabelled, "positives": None},
        "labelled_share": _clean(r.labelled_share),
        "metrics": dict.fromkeys(("auc", "average_precision", "precision", "recall", "f1", "accuracy", "brier")),
        "error_bounds": {"auc": None, "average_precision": None},
        "accuracy": {"measured": None, "estimated": None, "reference": None, "drop": None},
        "curves": {"roc": [], "pr": [], "calibration": []},
        "sampling_errors": sampling_body.body(r),
        "regression": {
            **{k: _clean(getattr(r, k)) for k in FIGURES},
            "abs_error_quantiles": {
                q: {"value": _clean(getattr(r, f"abs_error_{q}")), "bound": _clean(getattr(r, f"abs_error_{q}_bound"))}
                for q in QUANTILES
            },
            "note": NOTE,
        },
    }
