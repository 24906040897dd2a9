"""Building blocks of the OpenAPI document (api/openapi.py): error responses, JSON bodies, query parameters
and the shared schemas several routes use."""

from __future__ import annotations

from typing import Any

from api.params import MAX_TIME_LENGTH, TIME_PATTERN

ERROR = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "details": {"type": "array"}},
        }
    },
}


def error_responses(*codes: int) -> dict[str, Any]:
    return {str(c): {"description": "error", "content": {"application/json": {"schema": ERROR}}} for c in codes}


def json_response(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


BODY_TEXT = (
    "JSON of at most --max-body-mb (default 32 MB; 413 beyond); a body over 4 MB waits for the one "
    "large-body slot, or is answered 503 with Retry-After when others are waiting"
)


# One example per task beyond the binary default: a multiclass batch (api/multiclass_rules.py states its rules).
MULTICLASS_EXAMPLE = {
    "schema": {"$ref": "#/components/schemas/PredictionBatch"},
    "examples": {
        "multiclass": {
            "summary": "a multiclass model: a class and, optionally, its probabilities",
            "value": {
                "task": "multiclass",
                "predictions": [
                    {"id": "g1", "model": "risk-grade", "predicted_label": "B", "probabilities": {"A": 0.1, "B": 0.7, "C": 0.2}}
                ],
            },
        }
    },
}


def request_body(model: type) -> dict[str, Any]:
    return {
        "required": True,
        "description": BODY_TEXT,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}},
    }


def query_param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


OBJECT = {"type": "object"}
# api.params.timestamp: no "format": "date-time", which would refuse a space for the T and a time without offset
TIME = {"type": "string", "pattern": TIME_PATTERN, "maxLength": MAX_TIME_LENGTH}
COUNTS = {
    "type": "object",
    "required": ["received", "stored", "duplicates"],
    "properties": {
        "received": {"type": "integer"},
        "stored": {"type": "integer"},
        "duplicates": {"type": "integer"},
        "orphans": {"type": "integer"},
    },
}
WRITE_ERRORS = (400, 401, 413, 415, 422, 503)  # 503: a large body while others are parsed (api/body_gate.py)
