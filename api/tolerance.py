"""GET/POST /api/tolerance: a regression model's tolerance, what counts as a success on the Predictions page
and in the rollups (data/queries/outcome_status.py)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, Response, jsonify

from api import params
from api.auth import token_required
from api.errors import ApiError
from api.openapi_parts import OBJECT, WRITE_ERRORS
from api.openapi_parts import error_responses as _errors
from api.openapi_parts import json_response as _json
from api.openapi_parts import query_param as _query
from api.openapi_parts import request_body as _body
from api.schemas import ToleranceSetting
from api.validation import parse_body
from data.clock import utcnow
from data.queries import model_tasks, outcome_status
from data.store import Store


def _answer(store: Store, model: str) -> Response:
    return jsonify({"model": model, **asdict(outcome_status.tolerance(store, model))})


def blueprint(store: Store, api_token: str | None) -> Blueprint:
    routes = Blueprint("tolerance", __name__, url_prefix="/api")

    @routes.get("/tolerance")
    def read() -> Response:
        model = params.text("model")
        if model is None:
            raise ApiError(400, "bad_parameter", "model is required: a regression model's name", [{"field": "model"}])
        return _answer(store, model)

    @routes.post("/tolerance")
    @token_required(api_token)
    def write() -> Response:
        setting = parse_body(ToleranceSetting)
        try:  # a model not seen yet may be given its tolerance before its first batch
            model_tasks.check(store, [setting.model], "regression")
        except model_tasks.TaskConflict as exc:
            message = f"model {exc.model!r} is a {exc.recorded} model; a tolerance is for regression models"
            raise ApiError(409, "not_regression", message, [{"field": "model"}]) from None
        outcome_status.set_tolerance(store, setting.model, setting.absolute, setting.relative, utcnow())
        return _answer(store, setting.model)

    return routes


def openapi_path(secured: list[dict[str, list[str]]]) -> dict[str, Any]:
    """The routes' entry in the OpenAPI document (api/openapi.py)."""
    model = _query("model", {"type": "string", "minLength": 1, "maxLength": 128}, "the model's name") | {"required": True}
    return {
        "get": {
            "summary": "A regression model's tolerance (the defaults, absolute 0 and relative 0.1, when none is set)",
            "parameters": [model],
            "responses": {"200": _json(OBJECT), **_errors(400)},
        },
        "post": {
            "summary": "Set a regression model's tolerance: success = |prediction - label| <= max(absolute, relative * |label|)",
            "security": secured,
            "requestBody": _body(ToleranceSetting),
            "responses": {"200": _json(OBJECT), **_errors(*WRITE_ERRORS, 409)},
        },
    }
