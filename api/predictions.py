"""Write routes of the prediction service: predict with the built-in models, and ingest
prediction logs and outcomes from external services."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, jsonify

from api.auth import require_token
from api.context import runtime, service
from api.errors import ApiError
from api.schemas import OutcomeBatch, PredictionBatch, PredictRequest
from api.validation import parse_body
from data.clock import to_utc_naive, utcnow
from data.ingest import store_outcomes, store_predictions
from predictor.service import PredictionError

blueprint = Blueprint("predictions", __name__, url_prefix="/api")
ERROR_STATUS = {"validation_error": 422, "model_error": 500, "timeout": 504}


@blueprint.post("/predict")
@require_token
def predict() -> Response:
    body = parse_body(PredictRequest)
    rows = [body.features] if body.features is not None else body.instances
    try:
        results = service().predict_many(rows, body.model)
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


@blueprint.post("/predictions")
@require_token
def ingest_predictions() -> Response:
    batch = parse_body(PredictionBatch).predictions
    duplicates = _duplicate_ids([p.id for p in batch])
    if duplicates:
        raise ApiError(422, "duplicate_ids", f"{len(duplicates)} id(s) repeat inside the batch", duplicates[:100])
    now = utcnow()
    records = [
        (p.id, _when(p.timestamp, now), p.model, p.model_version, p.score,
         p.predicted_label if p.predicted_label is not None or p.score is None else int(p.score >= 0.5),
         p.latency_seconds, p.status, p.error_kind, "ingest", now, p.features)
        for p in batch
    ]
    new_ids = store_predictions(runtime().store, records)
    metrics = runtime().telemetry.predictions
    for p in batch:  # ingested predictions count like built-in ones; a retried one counts once
        if p.id not in new_ids:
            continue
        bound = metrics.model(p.model)
        if p.status == "ok":
            bound.ok.inc()
        else:
            metrics.failed(p.model, p.error_kind or "error")
        if p.latency_seconds is not None:
            bound.duration.observe(p.latency_seconds)
    return jsonify({"received": len(batch), "stored": len(new_ids), "duplicates": len(batch) - len(new_ids)})


@blueprint.post("/outcomes")
@require_token
def ingest_outcomes() -> Response:
    batch = parse_body(OutcomeBatch).outcomes
    duplicates = _duplicate_ids([o.id for o in batch])
    if duplicates:
        raise ApiError(422, "duplicate_ids", f"{len(duplicates)} id(s) repeat inside the batch", duplicates[:100])
    now = utcnow()
    stored, orphans = store_outcomes(runtime().store, [(o.id, o.label, _when(o.timestamp, now), now) for o in batch])
    runtime().telemetry.predictions.outcomes.labels("matched").inc(stored - orphans)
    runtime().telemetry.predictions.outcomes.labels("orphan").inc(orphans)
    return jsonify({"received": len(batch), "stored": stored, "duplicates": len(batch) - stored, "orphans": orphans})
