"""A multiclass model in GET /api/model_performance: the shared keys (metrics holds accuracy, the macro
precision/recall/F1 and the macro one-vs-rest AUC under the binary names) and a `multiclass` object with
every average, each class's figures, the confusion matrix and log loss."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from answers.multiclass import stored_quality
from answers.results import BinaryQuality, MulticlassQuality, quality_from_row
from api import estimated_body, sampling_body
from data.clock import iso_utc
from data.queries import model_tasks
from data.store import Store

NOTE = (
    "counts, accuracy, precision/recall/F1, their averages, the confusion matrix and log loss are exact; each "
    "one-vs-rest AUC treats the probabilities sharing a score bin as tied and is within its error bound of the "
    "exact figure (the macro AUC within the mean of the bounds); log loss clips p to [eps, 1 - eps], eps = 2.22e-16"
)
_NUM = {"type": ["number", "null"]}
_AVERAGE = {"type": "object", "properties": {k: _NUM for k in ("precision", "recall", "f1")}}
SCHEMA = {
    "type": ["object", "null"],
    "properties": {
        "classes": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "class": {"type": "string"},
                    "support": {"type": "integer"},
                    "predicted": {"type": "integer"},
                    **{k: _NUM for k in ("precision", "recall", "f1", "auc", "auc_error_bound")},
                },
            },
        },
        "averages": {"type": "object", "properties": {k: _AVERAGE for k in ("macro", "micro", "weighted")}},
        "confusion_matrix": {
            "type": "object",
            "description": "counts[i][j]: labelled rows of true class classes[i] predicted as classes[j]",
            "properties": {
                "classes": {"type": "array", "items": {"type": "string"}},
                "counts": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
            },
        },
        "macro_auc": _NUM,
        "macro_auc_error_bound": _NUM,
        "log_loss": _NUM,
        "scored": {"type": "integer", "description": "labelled rows that sent probabilities (AUC and log loss)"},
        "other": {"type": "integer", "description": "labelled rows whose true class was folded into __other__"},
        "class_drift": {
            "type": "array",
            "description": "predicted (side prediction) and true (side label) class shares against the model's "
            "reference (its first 2,000 labelled predictions); empty before it has one",
            "items": {
                "type": "object",
                "properties": {
                    "side": {"enum": ["prediction", "label"]},
                    **{k: _NUM for k in ("psi", "chi2_statistic", "chi2_pvalue", "js_distance")},
                    "reference_count": {"type": "integer"},
                    "current_count": {"type": "integer"},
                    "verdict": {"type": "string"},
                },
            },
        },
        "note": {"type": "string"},
    },
}


def _clean(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else value


def stored_results(store: Store, rows: Sequence[Mapping[str, Any]]) -> list[BinaryQuality | MulticlassQuality]:
    """Stored model_evaluations rows as results: a multiclass model's with its own tables."""
    recorded = model_tasks.tasks_of(store, [r["model"] for r in rows])
    return [stored_quality(store, r) if recorded.get(r["model"]) == "multiclass" else quality_from_row(r) for r in rows]


def confusion(result: MulticlassQuality) -> dict[str, Any]:
    names = sorted({t for t, _, _ in result.confusion} | {p for _, p, _ in result.confusion})
    at = {name: i for i, name in enumerate(names)}
    counts = [[0] * len(names) for _ in names]
    for t, p, n in result.confusion:
        counts[at[t]][at[p]] = n
    return {"classes": names, "counts": counts}


def body(r: MulticlassQuality) -> dict[str, Any]:
    averages = {
        name: {k: _clean(getattr(r, prefix + k)) for k in ("precision", "recall", "f1")}
        for name, prefix in (("macro", ""), ("micro", "micro_"), ("weighted", "weighted_"))
    }
    return {
        "model": r.model,
        "task": r.task,
        "model_version": r.model_version,
        "evaluated_at": iso_utc(r.ts),
        "status": r.status,
        "sample_sizes": {"predictions": r.predictions, "labelled": r.labelled, "unlabelled": r.unlabelled, "positives": None},
        "labelled_share": _clean(r.labelled_share),
        "metrics": {
            "auc": _clean(r.auc),
            "average_precision": None,
            **averages["macro"],
            "accuracy": _clean(r.accuracy),
            "brier": None,
        },
        "error_bounds": {"auc": _clean(r.auc_error_bound), "average_precision": None},
        "accuracy": {"measured": _clean(r.accuracy), "estimated": None, "reference": None, "drop": None},
        "curves": {"roc": [], "pr": [], "calibration": []},
        "sampling_errors": sampling_body.body(r),
        "estimated": estimated_body.multiclass_body(r),
        "multiclass": {
            "classes": [
                {"class": c.name, "support": c.support, "predicted": c.predicted}
                | {k: _clean(getattr(c, k)) for k in ("precision", "recall", "f1", "auc", "auc_error_bound")}
                for c in r.classes
            ],
            "averages": averages,
            "confusion_matrix": confusion(r),
            "macro_auc": _clean(r.auc),
            "macro_auc_error_bound": _clean(r.auc_error_bound),
            "log_loss": _clean(r.log_loss),
            "scored": r.scored,
            "other": r.other,
            "class_drift": [{k: _clean(v) for k, v in vars(d).items()} for d in r.class_drift],
            "note": NOTE,
        },
    }
