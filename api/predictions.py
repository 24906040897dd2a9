"""Write routes of the prediction service: predict with the built-in models, and ingest
prediction logs and outcomes from external services."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from datetime import datetime

from flask import Blueprint, Response, g, jsonify, request

from api import regression_rows
from api.auth import token_required
from api.body_gate import release_memory
from api.errors import ApiError
from api.ingest_stream import COUNTED, store_streamed
from api.json_stream import PIECE, NotStreamable
from api.multiclass_rules import MULTICLASS, class_name_problems, multiclass_problems, outcome_class_table, split_class_names
from api.schemas import INGESTED_TASKS, OUTCOME_BATCH, PREDICTION_BATCH, PredictRequest
from api.validation import parse_body
from data.arrow_batches import Row
from data.clock import to_utc_naive, utcnow
from data.ingest import store_outcomes, store_predictions
from data.queries import model_tasks
from data.queries import multiclass as mq
from data.store import Store
from predictor.service import PredictionError, PredictionService
from telemetry.metrics import PredictionMetrics

ERROR_STATUS = {"validation_error": 422, "model_error": 500, "timeout": 504}


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


def _count(metrics: PredictionMetrics, rows: list[Row], new_ids: set[str]) -> None:
    """Ingested predictions count like built-in ones; a retried one counts once. Rows are COUNTED's values;
    the counters move once per model (and error kind), not once per row."""
    ok: Counter[str] = Counter()
    failed: Counter[tuple[str, str]] = Counter()
    for pid, model, status, error_kind, latency in rows:
        if pid not in new_ids:
            continue
        if (status or "ok") == "ok":
            ok[model] += 1
        else:
            failed[model, error_kind] += 1
        if latency is not None:
            metrics.model(model).duration.observe(latency)
    for model, n in ok.items():
        metrics.model(model).ok.inc(n)
    for (model, error_kind), n in failed.items():
        metrics.failed(model, error_kind, n)


def _ingest_predictions(store: Store, metrics: PredictionMetrics) -> Response:
    if not (g.get("large_body") and request.is_json):
        return _ingest_whole(store, metrics)
    with tempfile.TemporaryFile() as spool:  # the body once more on disk: the whole-body path may need it
        shutil.copyfileobj(request.stream, spool, PIECE)
        spool.seek(0)
        try:
            streamed = store_streamed(store, spool, utcnow())
        except NotStreamable:
            spool.seek(0)
            return _ingest_whole(store, metrics, spool.read())
    _count(metrics, streamed.counted, streamed.new_ids)
    return _stored(streamed.received, streamed.new_ids)


def _stored(received: int, new_ids: set[str]) -> Response:
    return jsonify({"received": received, "stored": len(new_ids), "duplicates": received - len(new_ids)})


def _ingest_whole(store: Store, metrics: PredictionMetrics, raw: bytes | None = None) -> Response:
    from data.multiclass_log import multiclass_tables
    from data.prediction_log import ingest_tables  # pyarrow: loaded by the first ingest, not at start

    body = parse_body(PREDICTION_BATCH, raw)
    del raw
    rows, task = body["predictions"], body.get("task")
    models = sorted({row["model"] for row in rows})
    _check_task(store, models, task)  # before the rows' rules: another task makes them all wrong
    tasks = regression_rows.row_tasks(store, rows, task)
    multiclass = task == MULTICLASS  # declared: a multiclass batch is read whole, never streamed
    _reject_duplicates_and_rules(rows, multiclass_problems(rows) if multiclass else regression_rows.problems(rows, tasks))
    regression_rows.as_scored(rows, tasks)
    tables, received = (multiclass_tables if multiclass else ingest_tables)(rows, utcnow()), len(rows)
    counted = [tuple(row.get(k) for k in COUNTED) for row in rows]
    del rows, body  # the feature dicts (most of a big body's memory) go before DuckDB takes its share
    release_memory()
    try:
        new_ids = store_predictions(store, tables, task)
    except model_tasks.TaskConflict as exc:  # declared by another batch between the check and this one
        raise _conflict(exc) from None
    except mq.ClassLimit as exc:
        raise ApiError(422, "validation_error", str(exc), [{"row": exc.row, "field": exc.field, "error": str(exc)}]) from None
    _count(metrics, counted, new_ids)
    return _stored(received, new_ids)


def _check_task(store: Store, models: list[str], task: str | None) -> None:
    """A task other than a model's own is a 409; a task not ingested yet a 422 (nothing is written)."""
    try:
        model_tasks.check(store, models, task)
    except model_tasks.TaskConflict as exc:
        raise _conflict(exc) from None
    if task is not None and task not in (*INGESTED_TASKS, MULTICLASS):
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
    labels, named = split_class_names(labels)
    problems = regression_rows.value_problems(store, batch, values) + class_name_problems(store, batch, named)
    _reject_duplicates_and_rules(batch, problems)
    now = utcnow()
    rows = [(o["id"], label, _when(o.get("timestamp"), now), now) for o, label in zip(batch, labels, strict=True)]
    classes = outcome_class_table(batch, named, now)
    counts = store_outcomes(store, rows, [(batch[i]["id"], value) for i, value in values], classes)
    metrics.outcomes.labels("matched").inc(counts.stored - counts.orphans)
    metrics.outcomes.labels("orphan").inc(counts.orphans)
    return jsonify(
        {"received": len(batch), "stored": counts.stored, "duplicates": len(batch) - counts.stored, "orphans": counts.orphans}
    )
