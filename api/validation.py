"""Parse and validate a JSON body into a pydantic model, or raise ApiError naming each problem."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, TypeAdapter, ValidationError

from api.errors import ApiError

M = TypeVar("M", bound=BaseModel)


def _location(loc: tuple) -> dict[str, object]:
    """('predictions', 3, 'score') -> {"row": 3, "field": "predictions[3].score"}"""
    parts, row = [], None
    for item in loc:
        if isinstance(item, int):
            row = item if row is None else row
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    out: dict[str, object] = {"field": "".join(parts) or "body"}
    if row is not None:
        out["row"] = row
    return out


def parse_body(model: type[M] | TypeAdapter, raw: bytes | None = None) -> Any:
    """The request's body, or `raw` when the caller has read it already."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "send the body as JSON with Content-Type: application/json")
    raw = request.get_data(cache=False) if raw is None else raw
    try:
        if isinstance(model, TypeAdapter):
            return model.validate_json(raw)
        return model.model_validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        if any(e["type"] == "json_invalid" for e in errors):
            raise ApiError(400, "invalid_json", "the body is not valid JSON", [{"error": e["msg"]} for e in errors[:5]]) from None
        details = [{**_location(e["loc"]), "error": e["msg"]} for e in errors[:100]]
        first = details[0]
        raise ApiError(
            422, "validation_error", f"{len(errors)} invalid value(s); first: {first['field']}: {first['error']}", details
        ) from None
