"""Write routes of the prediction service: predict with the built-in models, and ingest
prediction logs and outcomes from external services."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, jsonify

from api import regression_rows
from api.auth import token_required
from api.body_gate import release_memory
from api.errors import ApiError
from api.schemas import INGESTED_TASKS, OUTCOME_BATCH, PREDICTION_BATCH, PredictRequest
from api.validation import parse_body
from data.clock import to_utc_naive, utcnow
from data.ingest import store_outcomes, store_predictions
from data.prediction_log import ingest_tables
from data.queries import model_tasks
from data.store import Store
from predictor.service import PredictionError, PredictionService
from telemetry.metrics import PredictionMetrics

ERROR_STATUS = {"validation_error": 422, "model_error": 500, "timeout": 504}
COUNTED = ("id", "model", "status", "error_kind", "latency_seconds")


def blueprint(service: PredictionService, store: Store, metrics: PredictionMetrics, api_token: str | None) -> Blueprint:
    """Predict with `service`; ingest into `store`, counting what is new in `metrics`."""
    routes = Blueprint("predictions", __name__, url_prefix="/api")
    require_token = token_required(api_token)

    @routes.post("/predict")
    @require_token
    def predict() -> Response:
        return _predict(service)

    @routes.post("/predictions")
    @require_token
    def ingest_predictions() -> Response:
        return _ingest_predictions(store, metrics)

    @routes.post("/outcomes")
    @require_token
    def ingest_outcomes() -> Response:
        return _ingest_outcomes(store, metrics)

    return routes


def _predict(service: PredictionService) -> Response:
    body = parse_body(PredictRequest)
    rows = [body.features] if body.features is not None else body.instances
    try:
        results = service.predict_many(rows, body.model)
    except PredictionError as exc:
        raise ApiError(ERROR_STATUS.get(exc.kind, 500), exc.kind, exc.message, exc.details) from None
    if body.features is not None:
        return jsonify(results[0].as_dict())
    return jsonify({"predictions": [r.as_dict() for r in results]})


def _duplicate_ids(ids: list[str]) -> list[dict]:
    seen: dict[str, int] = {}
    problems = []
    for row, pid in enumerate(ids):
        if pid in seen:
            problems.append({"row": row, "field": f"[{row}].id", "error": f"duplicate of row {seen[pid]} in this batch"})
        seen.setdefault(pid, row)
    return problems


def _when(value: datetime | None, received: datetime) -> datetime:
    return to_utc_naive(value) if value is not None else received


def _reject_duplicates_and_rules(rows: list[dict], extra: list[dict]) -> None:
    duplicates = _duplicate_ids([r["id"] for r in rows])
    if duplicates:
        raise ApiError(422, "duplicate_ids", f"{len(duplicates)} id(s) repeat inside the batch", duplicates[:100])
    if extra:
        raise ApiError(
            422,
            "validation_error",
            f"{len(extra)} invalid value(s); first: {extra[0]['field']}: {extra[0]['error']}",
            extra[:100],
        )


def _count(metrics: PredictionMetrics, rows: list[dict], new_ids: set[str]) -> None:
    """Ingested predictions count like built-in ones; a retried one counts once."""
    for row in rows:
        if row["id"] not in new_ids:
            continue
        bound = metrics.model(row["model"])
        if (row.get("status") or "ok") == "ok":
            bound.ok.inc()
        else:
            metrics.failed(row["model"], row["error_kind"])
        if row.get("latency_seconds") is not None:
            bound.duration.observe(row["latency_seconds"])


def _ingest_predictions(store: Store, metrics: PredictionMetrics) -> Response:
    body = parse_body(PREDICTION_BATCH)
    rows, task = body["predictions"], body.get("task")
    models = sorted({row["model"] for row in rows})
    _check_task(store, models, task)  # before the rows' rules: another task makes them all wrong
    tasks = regression_rows.row_tasks(store, rows, task)
    _reject_duplicates_and_rules(rows, regression_rows.problems(rows, tasks))
    regression_rows.as_scored(rows, tasks)
    tables, received = ingest_tables(rows, utcnow()), len(rows)
    counted = [{k: row.get(k) for k in COUNTED} for row in rows]
    del rows, body  # the feature dicts (most of a big body's memory) go before DuckDB takes its share
    release_memory()
    try:
        new_ids = store_predictions(store, tables, task)
    except model_tasks.TaskConflict as exc:  # declared by another batch between the check and this one
        raise _conflict(exc) from None
    _count(metrics, counted, new_ids)
    return jsonify({"received": received, "stored": len(new_ids), "duplicates": received - len(new_ids)})


def _check_task(store: Store, models: list[str], task: str | None) -> None:
    """A task other than a model's own is a 409; a task not ingested yet a 422 (nothing is written)."""
    try:
        model_tasks.check(store, models, task)
    except model_tasks.TaskConflict as exc:
        raise _conflict(exc) from None
    if task is not None and task not in INGESTED_TASKS:
        raise ApiError(
            422,
            "validation_error",
            f"task {task!r} is not accepted yet: only {', '.join(INGESTED_TASKS)} predictions can be logged so far",
            [{"field": "task", "error": f"one of {', '.join(INGESTED_TASKS)}"}],
        )


def _conflict(exc: model_tasks.TaskConflict) -> ApiError:
    return ApiError(409, "task_conflict", str(exc), [{"field": "task", "model": exc.model, "task": exc.recorded}])


def _ingest_outcomes(store: Store, metrics: PredictionMetrics) -> Response:
    batch = parse_body(OUTCOME_BATCH)["outcomes"]
    labels, values = regression_rows.split_labels(batch)
    _reject_duplicates_and_rules(batch, regression_rows.value_problems(store, batch, values))
    now = utcnow()
    rows = [(o["id"], label, _when(o.get("timestamp"), now), now) for o, label in zip(batch, labels, strict=True)]
    counts = store_outcomes(store, rows, [(batch[i]["id"], value) for i, value in values])
    metrics.outcomes.labels("matched").inc(counts.stored - counts.orphans)
    metrics.outcomes.labels("orphan").inc(counts.orphans)
    return jsonify(
        {"received": len(batch), "stored": counts.stored, "duplicates": len(batch) - counts.stored, "orphans": counts.orphans}
    )
