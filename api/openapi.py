"""GET /api/openapi.json: the OpenAPI 3.1 document of every route, with request bodies taken
from the pydantic models the routes validate with (so the document cannot drift from them)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from pydantic import TypeAdapter

from analytics.data_quality import CHECKS
from api.model import DRIFT_SCHEMA, PERFORMANCE_SCHEMA
from api.params import WINDOWS
from api.schemas import DemoSwitches, OutcomeBatch, PredictionBatch, PredictRequest
from data.queries.alerts import SEVERITIES as ALERT_SEVERITIES
from data.queries.alerts import STATES as ALERT_STATES
from data.queries.predictions import STATUSES

blueprint = Blueprint("openapi", __name__, url_prefix="/api")
ERROR = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message", "details"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"}, "details": {"type": "array"}}}},
}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(c): {"description": "error", "content": {"application/json": {"schema": ERROR}}} for c in codes}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _body(model: type) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


OBJECT = {"type": "object"}
COUNTS = {"type": "object", "required": ["received", "stored", "duplicates"], "properties": {
    "received": {"type": "integer"}, "stored": {"type": "integer"}, "duplicates": {"type": "integer"},
    "orphans": {"type": "integer"}}}
WRITE_ERRORS = (400, 401, 413, 415, 422)


def _alert_paths() -> dict[str, Any]:
    return {
        "/api/alerts": {"get": {
            "summary": "Current and past alerts, newest first, with firing counts",
            "parameters": [_query("state", {"type": "string", "enum": list(ALERT_STATES)}, "one state"),
                           _query("severity", {"type": "string", "enum": list(ALERT_SEVERITIES)}, "one severity"),
                           _query("limit", {"type": "integer", "minimum": 1}, "rows, capped at 1000")],
            "responses": {"200": _json(OBJECT), **_errors(400)}}},
        "/api/alerts/rules": {"get": {"summary": "The alert rules in force", "responses": {"200": _json(OBJECT)}}},
        "/api/alerts/backtest": {"get": {
            "summary": "When a rule (optionally with another threshold or duration) would have fired",
            "parameters": [{**_query("rule", {"type": "string", "minLength": 1, "maxLength": 128}, "rule id"),
                            "required": True},
                           _query("threshold", {"type": "number"}, "threshold to try instead"),
                           _query("for", {"type": "string"}, "duration to try instead, e.g. 5m"),
                           _query("window", {"type": "string", "enum": list(WINDOWS)}, "history to replay")],
            "responses": {"200": _json(OBJECT), **_errors(400)}}},
    }


def _paths() -> dict[str, Any]:
    secured = [{"bearer": []}]
    return {
        "/api/ping": {"get": {"summary": "Liveness", "responses": {"200": _json(OBJECT)}}},
        "/api/system_health": {"get": {"summary": "Overall status, resources, components", "responses": {"200": _json(OBJECT)}}},
        "/api/performance_metrics": {"get": {
            "summary": "Live KPIs per model, cached a few seconds",
            "parameters": [_query("window", {"type": "string", "enum": list(WINDOWS)}, "look-back window")],
            "responses": {"200": _json(OBJECT), **_errors(400)}}},
        "/api/recent_predictions": {"get": {
            "summary": "Newest predictions with outcome status and a success trend",
            "parameters": [_query("limit", {"type": "integer", "minimum": 1}, "rows, capped at 1000"),
                           _query("model", {"type": "string", "minLength": 1, "maxLength": 128}, "one model"),
                           _query("status", {"type": "string", "enum": list(STATUSES)}, "one status")],
            "responses": {"200": _json(OBJECT), **_errors(400)}}},
        "/api/predict": {"post": {"summary": "Score with a built-in model", "security": secured,
                                  "requestBody": _body(PredictRequest),
                                  "responses": {"200": _json(OBJECT), **_errors(*WRITE_ERRORS, 500, 504)}}},
        "/api/predictions": {"post": {"summary": "Ingest prediction logs (idempotent by id)", "security": secured,
                                      "requestBody": _body(PredictionBatch),
                                      "responses": {"200": _json(COUNTS), **_errors(*WRITE_ERRORS)}}},
        "/api/outcomes": {"post": {"summary": "Ingest ground-truth labels (idempotent by id)", "security": secured,
                                   "requestBody": _body(OutcomeBatch),
                                   "responses": {"200": _json(COUNTS), **_errors(*WRITE_ERRORS)}}},
        "/api/demo": {"get": {"summary": "Demo switches (404 when the demo is off)",
                              "responses": {"200": _json(OBJECT), **_errors(404)}},
                      "post": {"summary": "Set demo switches", "security": secured, "requestBody": _body(DemoSwitches),
                               "responses": {"200": _json(OBJECT), **_errors(*WRITE_ERRORS, 404)}}},
        "/api/database_health": {"get": {
            "summary": "The store's health, query timings, scans, and each watched PostgreSQL",
            "parameters": [_query("window", {"type": "string", "enum": list(WINDOWS)}, "query statistics window")],
            "responses": {"200": _json(OBJECT), **_errors(400)}}},
        "/api/data_quality": {"get": {
            "summary": "Latest result of every data-quality check, with history on request",
            "parameters": [_query("history", {"type": "string", "enum": ["true", "false"]}, "include history"),
                           _query("check", {"type": "string", "enum": list(CHECKS)}, "one check"),
                           _query("window", {"type": "string", "enum": list(WINDOWS)}, "history window"),
                           _query("limit", {"type": "integer", "minimum": 1}, "history rows, capped at 5000")],
            "responses": {"200": _json(OBJECT), **_errors(400)}}},
        **_alert_paths(),
        "/api/model_performance": {"get": {
            "summary": "Latest quality of each model over an evaluation window: metrics, sample sizes, curves",
            "parameters": [_query("model", {"type": "string", "minLength": 1, "maxLength": 128}, "one model"),
                           _query("window", {"type": "string"}, "an evaluation window (--eval-windows; default 15m)")],
            "responses": {"200": _json(PERFORMANCE_SCHEMA), **_errors(400, 404)}}},
        "/api/drift": {"get": {
            "summary": "Latest drift of each feature and the score against the reference, ranked by impact",
            "parameters": [_query("model", {"type": "string", "minLength": 1, "maxLength": 128}, "one model"),
                           _query("window", {"type": "string"}, "recent or an evaluation window (default recent)")],
            "responses": {"200": _json(DRIFT_SCHEMA), **_errors(400, 404)}}},
        "/api/openapi.json": {"get": {"summary": "This document", "responses": {"200": _json(OBJECT)}}},
        "/metrics": {"get": {"summary": "Prometheus exposition", "responses": {"200": {
            "description": "OK", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
    }


def _schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for model in (PredictRequest, PredictionBatch, OutcomeBatch, DemoSwitches):
        schema = TypeAdapter(model).json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return schemas


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Predwatch", "version": "1.0.0",
                 "description": "Monitoring API of Predwatch: health, prediction performance, ingest."},
        "paths": _paths(),
        "components": {"schemas": _schemas(),
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


@blueprint.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document())
