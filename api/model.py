"""GET /api/model_performance and GET /api/drift: the evaluation job's latest results as JSON."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, jsonify

from analytics.drift import rank_by_impact
from analytics.importance import pick_importance
from answers.model_window import ModelAnswers
from answers.results import TASKS, BinaryQuality, MulticlassQuality, RegressionQuality
from api import estimated_body, multiclass_body, params, regression_body, sampling_body, windows
from api.errors import ApiError
from data.clock import iso_utc, utcnow
from data.queries import model_views as mv
from data.queries import multivariate as mq
from data.queries import profiles, quality
from data.store import Store

if TYPE_CHECKING:
    import pandas as pd

DRIFT_KEYS = (
    "feature",
    "psi",
    "ks_statistic",
    "ks_pvalue",
    "ks_error_bound",
    "wasserstein",
    "wasserstein_error_bound",
    "verdict",
    "reference_count",
    "current_count",
    "kind",
    "chi2_pvalue",
    "js_distance",
    "missing_share",
    "reference_missing_share",
    "missing_verdict",
)
METRICS = ("auc", "average_precision", "precision", "recall", "f1", "accuracy", "brier")


def _clean(value: Any) -> Any:
    """JSON-safe: NaN and infinities (an undefined figure or the ROC curve's first threshold) become null."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _points(curves: pd.DataFrame) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(model, curve) -> its points, in one pass over whole columns (filtering the frame per model and
    curve, then a row at a time, was most of the route's time)."""
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    columns = [curves[c].tolist() for c in ("model", "curve", "x", "y", "threshold", "n")]
    for model, curve, x, y, threshold, n in zip(*columns, strict=True):
        point = (
            {"mean_score": _clean(x), "positive_rate": _clean(y), "count": int(n)}
            if curve == "calibration"
            else {"x": _clean(x), "y": _clean(y), "threshold": _clean(threshold)}
        )
        found.setdefault((model, curve), []).append(point)
    return found


def _model_body(result: BinaryQuality, points: dict[tuple[str, str], list[dict[str, Any]]]) -> dict[str, Any]:
    r = result
    return {
        "model": r.model,
        "task": r.task,
        "model_version": r.model_version,
        "evaluated_at": iso_utc(r.ts),
        "status": r.status,
        "sample_sizes": {
            "predictions": r.predictions,
            "labelled": r.labelled,
            "unlabelled": r.unlabelled,
            "positives": r.positives,
        },
        "labelled_share": _clean(r.labelled_share),
        "metrics": {k: _clean(getattr(r, k)) for k in METRICS},
        # AUC and AP come from binned scores: each is within this distance of the exact figure.
        "error_bounds": {"auc": _clean(r.auc_error_bound), "average_precision": _clean(r.ap_error_bound)},
        "accuracy": {
            "measured": _clean(r.accuracy),
            "estimated": _clean(r.estimated_accuracy),
            "reference": _clean(r.reference_accuracy),
            "drop": _clean(r.accuracy_drop),
        },
        "confusion_matrix": {"tp": r.tp, "fp": r.fp, "tn": r.tn, "fn": r.fn},
        "curves": {c: points.get((r.model, c), []) for c in ("roc", "pr", "calibration")},
        "sampling_errors": sampling_body.body(r),
        "estimated": estimated_body.body(r),
    }


def _body(
    r: BinaryQuality | MulticlassQuality | RegressionQuality, points: dict[tuple[str, str], list[dict[str, Any]]]
) -> dict[str, Any]:
    """A model's entry: each task's own figures beside the shared keys."""
    if isinstance(r, RegressionQuality):
        return regression_body.body(r)
    return multiclass_body.body(r) if isinstance(r, MulticlassQuality) else _model_body(r, points)


def _source(window: windows.Window) -> str:
    return "evaluation" if window.stored else "profiles"


def blueprint(
    store: Store, answers: ModelAnswers, eval_windows: dict[str, int], drift_windows: dict[str, int], min_samples: int
) -> Blueprint:
    """The routes over the store and the on-demand answers; `eval_windows` and `drift_windows` the windows
    the evaluation job stores (label -> seconds)."""
    routes = Blueprint("model", __name__, url_prefix="/api")

    @routes.get("/model_performance")
    def model_performance() -> Response:
        return _performance(store, answers, windows.choose(eval_windows), min_samples)

    @routes.get("/drift")
    def drift() -> Response:
        return _drift(store, answers, windows.choose(drift_windows))

    return routes


def _performance(store: Store, answers: ModelAnswers, window: windows.Window, min_samples: int) -> Response:
    label, seconds = window.label, window.seconds
    model = params.text("model")
    if window.stored:
        with store.snapshot():  # the counts and the curves beside them from one state
            rows = mv.latest_evaluations(store, model, seconds)
            results = regression_body.stored_results(store, rows, multiclass_body.stored_results(store, rows))
            curves = mv.latest_curves(store, model, seconds)
    else:
        known = mv.evaluated_models(store)
        results, curves = windows.performance(store, answers, [model] if model in known else [] if model else known, seconds)
    points = _points(curves)
    if model and not results:
        raise ApiError(
            404,
            "not_found",
            f"model {model!r} has no evaluation over {label} yet",
            [{"field": "model", "known": mv.evaluated_models(store)}],
        )
    return jsonify(
        {
            "window": label,
            "window_seconds": seconds,
            "source": _source(window),
            "min_samples": min_samples,
            "models": [_body(r, points) for r in results],
        }
    )


def _drift(store: Store, answers: ModelAnswers, window: windows.Window) -> Response:
    label, seconds = window.label, window.seconds
    asked = params.text("model")
    # The known models (a scan of every stored evaluation) only when they are needed.
    known = [] if asked and window.stored else mv.evaluated_models(store)
    model = asked or (known[0] if known else None)
    if model is None or (not window.stored and model not in known):
        rows = []
    else:
        rows = mv.latest_drift(store, model, seconds) if window.stored else windows.drift(store, answers, model, seconds)
    if not rows and model is not None and asked:
        known = known or mv.evaluated_models(store)
        _no_reference(store, model, known)
        raise ApiError(
            404, "not_found", f"model {model!r} has no drift result over {label} yet", [{"field": "model", "known": known}]
        )
    importance, method = (
        pick_importance(list(mv.latest_importance(store, model).itertuples(index=False, name=None))) if model else ({}, None)
    )
    score = next((r for r in rows if r["feature"] == "__score__"), None)
    features = rank_by_impact([_drift_row(r) for r in rows if r["feature"] != "__score__"], importance)
    return jsonify(
        {
            "model": model,
            "window": label,
            "window_seconds": seconds,
            "source": _source(window),
            "evaluated_at": iso_utc(rows[0]["ts"]) if rows else None,
            "importance_method": method,
            "features": features,
            "score": _drift_row(score) if score else None,
            "multivariate": _multivariate(store, answers, model, window) if model else None,
        }
    )


def _multivariate(store: Store, answers: ModelAnswers, model: str, window: windows.Window) -> dict[str, Any] | None:
    """The window's multivariate drift (None below a minute or without two standardised features)."""
    if window.stored:
        row = mq.latest(store, model, window.seconds)
    else:
        with store.snapshot():
            found = answers.multivariate_rows(model, utcnow(), [window.seconds])
        row = mq.decoded(dict(zip(mq.RESULT_COLUMNS, found[0], strict=True))) if found else None
    if row is None:
        return None
    keys = ("error", "band_low", "band_high", "verdict", "n", "skipped", "components", "top_features")
    return {k: _clean(row[k]) for k in keys} | {
        "error_bound": 0.0,
        "note": "exact: the mean squared PCA reconstruction error from the window's summed z and z z^T, no binning",
    }


def _no_reference(store: Store, model: str, known: list[str]) -> None:
    """A model without reference bins has no drift and no feature histograms on /metrics: say why."""
    if profiles.has_edges(store, model):
        return
    raise ApiError(
        404,
        "not_found",
        f"model {model!r} has no reference sample yet, so no drift and no feature "
        "histograms on /metrics: an ingested model's first labelled predictions become its reference "
        f"once it has enough ({quality.labelled_count(store, model)} labelled so far)",
        [{"field": "model", "reason": "no_reference", "known": known}],
    )


def _drift_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _clean(row.get(k)) for k in DRIFT_KEYS}


_NUM = {"type": ["number", "null"]}
_CURVE = {"type": "array", "items": {"type": "object"}}
PERFORMANCE_SCHEMA = {
    "type": "object",
    "required": ["window", "window_seconds", "models"],
    "properties": {
        "window": {"type": "string"},
        "window_seconds": {"type": "integer"},
        "min_samples": {"type": "integer"},
        "source": {"enum": ["evaluation", "profiles"]},
        "models": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "model": {"type": "string"},
                    "task": {"enum": list(TASKS)},
                    "status": {"enum": ["ok", "insufficient_data"]},
                    "metrics": {"type": "object", "properties": {k: _NUM for k in METRICS}},
                    "error_bounds": {"type": "object", "properties": {"auc": _NUM, "average_precision": _NUM}},
                    "accuracy": {
                        "type": "object",
                        "properties": {k: _NUM for k in ("measured", "estimated", "reference", "drop")},
                    },
                    "curves": {"type": "object", "properties": {k: _CURVE for k in ("roc", "pr", "calibration")}},
                    "sampling_errors": sampling_body.SCHEMA,
                    # a multiclass model's figures (metrics holds its macro ones): api/multiclass_body.py
                    "multiclass": multiclass_body.SCHEMA,
                    # a regression model's figures (metrics holds null): api/regression_body.py
                    "regression": regression_body.SCHEMA,
                    # a binary model's estimate from calibrated scores and its reconciliation: api/estimated_body.py
                    "estimated": estimated_body.SCHEMA,
                },
            },
        },
    },
}
DRIFT_SCHEMA = {
    "type": "object",
    "required": ["model", "window", "features"],
    "properties": {
        "model": {"type": ["string", "null"]},
        "window": {"type": "string"},
        "source": {"enum": ["evaluation", "profiles"]},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "feature": {"type": "string"},
                    "psi": _NUM,
                    "ks_statistic": _NUM,
                    "ks_pvalue": _NUM,
                    "ks_error_bound": _NUM,
                    "wasserstein": _NUM,
                    "wasserstein_error_bound": _NUM,
                    "verdict": {"enum": ["none", "moderate", "significant", "insufficient_data"]},
                    # categorical features: PSI over categories, no KS; chi-squared and JS instead
                    "kind": {"enum": ["numeric", "categorical"]},
                    "chi2_pvalue": _NUM,
                    "js_distance": _NUM,
                    "missing_share": _NUM,
                    "reference_missing_share": _NUM,
                    "missing_verdict": {"enum": ["none", "significant", "insufficient_data", None]},
                    "importance": _NUM,
                    "impact": _NUM,
                    "impact_rank": {"type": "integer"},
                },
            },
        },
        "score": {"type": ["object", "null"]},
        # the PCA reconstruction error of the window against the reference band (answers/multivariate.py)
        "multivariate": {
            "type": ["object", "null"],
            "properties": {
                "error": _NUM,
                "band_low": _NUM,
                "band_high": _NUM,
                "verdict": {"enum": ["none", "drift", "insufficient_data"]},
                "n": {"type": "integer"},
                "skipped": {"type": "integer"},
                "components": {"type": ["integer", "null"]},
                "error_bound": {"type": "number"},
                "note": {"type": "string"},
                "top_features": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"feature": {"type": "string"}, "contribution": _NUM}},
                },
            },
        },
    },
}
