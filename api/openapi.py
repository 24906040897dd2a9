"""GET /api/openapi.json: the OpenAPI 3.1 document of every route, with request bodies taken
from the pydantic models the routes validate with (so the document cannot drift from them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, jsonify
from pydantic import TypeAdapter

from analytics.alert_rules import DURATION, Rule
from analytics.data_quality import CHECKS
from api import tolerance
from api.backtest_params import EPISODES_MAX_LENGTH, EPISODES_PATTERN, EPISODES_TEXT, MAX_EPISODES, NUMBER_PATTERN
from api.model import DRIFT_SCHEMA, PERFORMANCE_SCHEMA
from api.openapi_parts import (
    COUNTS,
    ERROR_SCHEMA,
    MULTICLASS_EXAMPLE,
    OBJECT,
    TIME,
    WRITE_ERRORS,
)
from api.openapi_parts import error_responses as _errors
from api.openapi_parts import json_response as _json
from api.openapi_parts import query_param as _query
from api.openapi_parts import request_body as _body
from api.params import TIME_RANGE_TEXT, TIME_TEXT, WINDOWS
from api.schemas import DemoSwitches, OutcomeBatch, PredictionBatch, PredictRequest, ToleranceSetting
from api.windows import LENGTH_PATTERN
from data.queries.alerts import SEVERITIES as ALERT_SEVERITIES
from data.queries.alerts import STATES as ALERT_STATES
from data.queries.export import EXPORTABLE
from data.queries.predictions import STATUSES
from predictor.scenario import FEATURES
from predictor.service import MAX_FEATURE_MAGNITUDE


def _alert_paths() -> dict[str, Any]:
    return {
        "/api/alerts": {
            "get": {
                "summary": "Current and past alerts, newest first, with firing counts",
                "parameters": [
                    _query("state", {"type": "string", "enum": list(ALERT_STATES)}, "one state"),
                    _query("severity", {"type": "string", "enum": list(ALERT_SEVERITIES)}, "one severity"),
                    _query("limit", {"type": "integer", "minimum": 1}, "rows, capped at 1000"),
                ],
                "responses": {"200": _json(OBJECT), **_errors(400)},
            }
        },
        "/api/alerts/rules": {"get": {"summary": "The alert rules in force", "responses": {"200": _json(OBJECT)}}},
        "/api/alerts/backtest": {
            "get": {
                "summary": "When a rule (optionally with another threshold or duration) would have fired",
                "description": BACKTEST_TEXT,
                "parameters": [
                    {**_query("rule", {"type": "string", "minLength": 1, "maxLength": 128}, "rule id"), "required": True},
                    _query("threshold", {"type": "string", "pattern": NUMBER_PATTERN}, "threshold to try instead"),
                    _query("for", {"type": "string"}, "duration to try instead, e.g. 5m"),
                    *_history_params(),
                ],
                "responses": {"200": _json(OBJECT), **_errors(400)},
            }
        },
        "/api/alerts/backtest/summary": {
            "get": {
                "summary": "The backtest's figures for every rule in force, over one history",
                "description": BACKTEST_TEXT,
                "parameters": _history_params(),
                "responses": {"200": _json(OBJECT), **_errors(400)},
            }
        },
    }


BACKTEST_TEXT = (
    "Besides the periods: `alerts_per_week` (firing periods / weeks of history holding data: a step between "
    "samples over twice the median step is a gap, not counted; `covered_seconds` states the time counted), "
    "`firing_share` (of that time), and `detection` {episodes, detected, missed, unobserved, median_delay_seconds, "
    "max_delay_seconds}: a fault episode that started in the history is detected when a firing began inside it "
    "(delay: its start to that firing), unobserved when no sample falls inside. Episodes are the caller's "
    "(`episodes`, for every rule) or else the demo's recorded switches, each metric matched to the faults it "
    "should catch (`fault_kinds`): latency -> load_spike, errors -> error_burst, drift and multivariate drift "
    "-> input_drift, accuracy -> concept_drift; other metrics have none."
)


def _history_params() -> list[dict[str, Any]]:
    return [
        _query("window", {"type": "string", "enum": list(WINDOWS)}, "history to replay, ending at `to` (default 24h)"),
        _query(
            "from",
            TIME,
            f"start of the history (default: `to` - window); without `to`, the history is `window` from it (up to now); "
            f"at most 31 days before `to`, {TIME_TEXT}",
        ),
        _query("to", TIME, f"end of the history (default: now), {TIME_TEXT}, {TIME_RANGE_TEXT}"),
        _query(
            "episodes",
            {"type": "string", "minLength": 1, "maxLength": EPISODES_MAX_LENGTH, "pattern": EPISODES_PATTERN},
            f"{EPISODES_TEXT}; at most {MAX_EPISODES} pairs, each ending after it starts",
        ),
    ]


def _export_paths() -> dict[str, Any]:
    return {
        "/api/export": {
            "get": {
                "summary": "One table's rows over a time range (raw or rolled up), streamed as CSV or Parquet",
                "parameters": [
                    {**_query("table", {"type": "string", "enum": list(EXPORTABLE)}, "table"), "required": True},
                    _query("from", TIME, f"start, before `to` (else 400; default: to - 24 h), {TIME_TEXT}, {TIME_RANGE_TEXT}"),
                    _query("to", TIME, f"end, exclusive (default: now), {TIME_TEXT}, {TIME_RANGE_TEXT}"),
                    _query("format", {"type": "string", "enum": ["csv", "parquet"]}, "default csv"),
                    _query("limit", {"type": "integer", "minimum": 1}, "rows, capped at 5000000"),
                ],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "text/csv": {"schema": {"type": "string"}},
                            "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}},
                        },
                    },
                    **_errors(400),
                },
            }
        }
    }


def _paths() -> dict[str, Any]:
    secured: list[dict[str, list[str]]] = [{"bearer": []}]
    return {
        "/api/ping": {"get": {"summary": "Liveness", "responses": {"200": _json(OBJECT)}}},
        "/api/system_health": {"get": {"summary": "Overall status, resources, components", "responses": {"200": _json(OBJECT)}}},
        "/api/performance_metrics": {
            "get": {
                "summary": "Live KPIs per model, cached a few seconds",
                "parameters": [_query("window", {"type": "string", "enum": list(WINDOWS)}, "look-back window")],
                "responses": {"200": _json(OBJECT), **_errors(400)},
            }
        },
        "/api/recent_predictions": {
            "get": {
                "summary": "Newest predictions with outcome status and a success trend",
                "parameters": [
                    _query("limit", {"type": "integer", "minimum": 1}, "rows, capped at 1000"),
                    _query("model", {"type": "string", "minLength": 1, "maxLength": 128}, "one model"),
                    _query("status", {"type": "string", "enum": list(STATUSES)}, "one status"),
                ],
                "responses": {"200": _json(OBJECT), **_errors(400)},
            }
        },
        **_write_paths(secured),
        "/api/database_health": {
            "get": {
                "summary": "The store's health, query timings, scans, and each watched PostgreSQL",
                "parameters": [_query("window", {"type": "string", "enum": list(WINDOWS)}, "query statistics window")],
                "responses": {"200": _json(OBJECT), **_errors(400)},
            }
        },
        "/api/data_quality": {
            "get": {
                "summary": "Latest result of every data-quality check, with history on request",
                "parameters": [
                    _query("history", {"type": "string", "enum": ["true", "false"]}, "include history"),
                    _query("check", {"type": "string", "enum": list(CHECKS)}, "one check"),
                    _query("window", {"type": "string", "enum": list(WINDOWS)}, "history window"),
                    _query("limit", {"type": "integer", "minimum": 1}, "history rows, capped at 5000"),
                ],
                "responses": {"200": _json(OBJECT), **_errors(400)},
            }
        },
        **_alert_paths(),
        **_model_paths(),
        **_export_paths(),
        "/api/openapi.json": {"get": {"summary": "This document", "responses": {"200": _json(OBJECT)}}},
        "/metrics": {
            "get": {
                "summary": "Prometheus exposition",
                "responses": {"200": {"description": "OK", "content": {"text/plain": {"schema": {"type": "string"}}}}},
            }
        },
    }


def _model_paths() -> dict[str, Any]:
    """A model's quality and drift, stored or on demand."""
    return {
        "/api/model_performance": {
            "get": {
                "summary": "Latest quality of each model over an evaluation window: metrics, sample sizes, curves",
                "parameters": [
                    _query("model", {"type": "string", "minLength": 1, "maxLength": 128}, "one model"),
                    _query(
                        "window",
                        {"type": "string"},
                        "an evaluation window (--eval-windows; default the "
                        "first), stored every pass, or any length such as 7d, answered from the profiles on demand",
                    ),
                ],
                "responses": {"200": _json(PERFORMANCE_SCHEMA), **_errors(400, 404)},
            }
        },
        "/api/drift": {
            "get": {
                "summary": "Latest drift of each feature and the score against the reference, ranked by impact",
                "description": "`multivariate`: the window's mean squared PCA reconstruction error (PCA of the "
                "standardised reference keeping 65 % of its variance), exact from summed z and z z^T, against the "
                "reference band (mean +- 3 sd over 10 reference chunks), with the features contributing most; null "
                "for windows under a minute and models with fewer than two numeric features; `insufficient_data` "
                "below a reference chunk's rows.",
                "parameters": [
                    _query("model", {"type": "string", "minLength": 1, "maxLength": 128}, "one model"),
                    _query(
                        "window",
                        {"type": "string"},
                        "recent or an evaluation window (default recent), stored "
                        "every pass, or any length such as 30d, answered from the profiles on demand",
                    ),
                ],
                "responses": {"200": _json(DRIFT_SCHEMA), **_errors(400, 404)},
            }
        },
    }


def _write_paths(secured: list[dict[str, list[str]]]) -> dict[str, Any]:
    """The routes that write: the built-in model, ingest and the demo switches (token auth)."""
    return {
        "/api/predict": {
            "post": {
                "summary": "Score with a built-in model",
                "security": secured,
                "requestBody": _body(PredictRequest),
                "responses": {"200": _json(OBJECT), **_errors(*WRITE_ERRORS, 500, 504)},
            }
        },
        "/api/predictions": {
            "post": {
                "summary": "Ingest prediction logs (idempotent by id)",
                "security": secured,
                "requestBody": _body(PredictionBatch) | {"content": {"application/json": MULTICLASS_EXAMPLE}},
                "responses": {"200": _json(COUNTS), **_errors(*WRITE_ERRORS)},
            }
        },
        "/api/outcomes": {
            "post": {
                "summary": "Ingest ground-truth labels (idempotent by id)",
                "security": secured,
                "requestBody": _body(OutcomeBatch),
                "responses": {"200": _json(COUNTS), **_errors(*WRITE_ERRORS)},
            }
        },
        "/api/demo": {
            "get": {"summary": "Demo switches (404 when the demo is off)", "responses": {"200": _json(OBJECT), **_errors(404)}},
            "post": {
                "summary": "Set demo switches",
                "security": secured,
                "requestBody": _body(DemoSwitches),
                "responses": {"200": _json(OBJECT), **_errors(*WRITE_ERRORS, 404)},
            },
        },
        "/api/tolerance": tolerance.openapi_path(secured),
    }


def _schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for model in (PredictRequest, PredictionBatch, OutcomeBatch, DemoSwitches, ToleranceSetting):
        schema = TypeAdapter(model).json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return schemas


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Predwatch",
            "version": "1.0.0",
            "description": "Monitoring API of Predwatch: health, prediction performance, ingest.",
        },
        "paths": _paths(),
        "components": {"schemas": _schemas(), "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


DURATION_PATTERN = "^" + DURATION + "$"  # analytics.alert_rules.parse_duration, matched whole


@dataclass(frozen=True)
class LiveChoices:
    """What the valid values of some parameters depend on: this app's windows, rules and models."""

    eval_windows: list[str]
    drift_windows: list[str]
    rule_ids: list[str]
    models: list[str]


def _live_choices(doc: dict[str, Any], live: LiveChoices) -> dict[str, Any]:
    """Parameters whose valid values depend on this app's settings and rules, as enums, so a client (or a
    fuzzer) can tell a well-formed request from one the app will refuse."""
    enums = {
        ("/api/model_performance", "window"): live.eval_windows,
        ("/api/drift", "window"): live.drift_windows,
        ("/api/alerts/backtest", "rule"): live.rule_ids,
    }
    for (path, name), values in enums.items():
        for param in doc["paths"].get(path, {}).get("get", {}).get("parameters", []):
            if param["name"] == name:
                param["schema"] = {"type": "string", "enum": values}
                if name == "window":  # or a length, answered on demand
                    param["schema"] = {"anyOf": [param["schema"], {"type": "string", "pattern": LENGTH_PATTERN}]}
    for param in doc["paths"].get("/api/alerts/backtest", {}).get("get", {}).get("parameters", []):
        if param["name"] == "for":
            param["schema"] = {"type": "string", "pattern": DURATION_PATTERN}
    number = {"type": "number", "minimum": -MAX_FEATURE_MAGNITUDE, "maximum": MAX_FEATURE_MAGNITUDE}
    row = {
        "type": "object",
        "required": list(FEATURES),
        "properties": {f: number for f in FEATURES},
        "additionalProperties": False,
    }
    predict = doc["components"]["schemas"]["PredictRequest"]["properties"]
    predict["model"] = {"anyOf": [{"type": "string", "enum": live.models}, {"type": "null"}]}
    predict["features"] = {"anyOf": [row, {"type": "null"}]}
    predict["instances"] = {"anyOf": [{"type": "array", "items": row, "minItems": 1, "maxItems": 1000}, {"type": "null"}]}
    return doc


def blueprint(
    eval_windows: Iterable[str], drift_windows: Iterable[str], rules: Iterable[Rule], models: Iterable[str]
) -> Blueprint:
    """The document with the labels of the stored windows, the rules in force and the models this app serves."""
    live = LiveChoices(list(eval_windows), list(drift_windows), [r.id for r in rules], list(models))
    routes = Blueprint("openapi", __name__, url_prefix="/api")

    @routes.get("/openapi.json")
    def openapi() -> Response:
        return jsonify(_live_choices(document(), live))

    return routes
