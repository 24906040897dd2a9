"""Extreme dates: a time at the edge of Python's datetime range (year 1 with +14:00, 9999-12-31 with
-14:00) overflows converting to UTC, which unchecked is a 500. Every route that takes a time answers 4xx
naming it."""

from __future__ import annotations

from typing import Any

import pytest

from api.openapi import document
from api.params import TIME_PATTERN

EXTREME = [
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59-14:00",
    "9999-12-31T23:59:59",
    "9999-12-31T23:59:59.999999+14:00",
    "1969-12-30T23:59:59Z",
    "9999-01-02T00:00:01Z",
]
BODIES = {  # the write routes whose rows carry a time, with the smallest valid row
    "/api/predictions": ("predictions", {"id": "x", "model": "m", "score": 0.5}),
    "/api/outcomes": ("outcomes", {"id": "x", "label": 1}),
}


def _time_parameters(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, name) of every GET query parameter the document types as a time."""
    return [
        (path, p["name"])
        for path, ops in doc["paths"].items()
        if "get" in ops
        for p in ops["get"].get("parameters", [])
        if _is_time(p.get("schema", {}))
    ]


def _is_time(schema: dict[str, Any]) -> bool:
    """A time (api.params.TIME_PATTERN: no "format": "date-time", which would refuse a naive time)."""
    return schema.get("format") == "date-time" or schema.get("pattern") == TIME_PATTERN


def _has_time(schema: Any, components: dict[str, Any]) -> bool:
    """Whether a schema (following $refs) has a date-time anywhere."""
    if isinstance(schema, dict):
        if _is_time(schema):
            return True
        if "$ref" in schema:
            return _has_time(components[schema["$ref"].rsplit("/", 1)[1]], components)
        return any(_has_time(v, components) for v in schema.values())
    if isinstance(schema, list):
        return any(_has_time(v, components) for v in schema)
    return False


def _body_time_routes(doc: dict[str, Any]) -> list[str]:
    """POST routes whose request body has a date-time somewhere."""
    components = doc["components"]["schemas"]
    return [path for path, ops in doc["paths"].items() if _has_time(ops.get("post", {}).get("requestBody", {}), components)]


def test_every_time_route_is_known_to_this_test() -> None:
    doc = document()
    assert ("/api/export", "from") in _time_parameters(doc)
    assert ("/api/export", "to") in _time_parameters(doc)
    # The document states the accepted years, so a client generated from it never sends one refused here.
    for path, ops in doc["paths"].items():
        for p in ops.get("get", {}).get("parameters", []):
            assert not _is_time(p["schema"]) or p["schema"].get("pattern") == TIME_PATTERN, (path, p["name"])
    assert set(_body_time_routes(doc)) == set(BODIES)


def _required(doc: dict[str, Any], path: str) -> dict[str, str]:
    """A valid value of each required query parameter (the served document's first choice), so the probe
    reaches the time parameter rather than being refused for a missing one (e.g. the backtest's rule)."""
    parameters = doc["paths"][path]["get"].get("parameters", [])
    return {p["name"]: p["schema"]["enum"][0] for p in parameters if p.get("required")}


@pytest.mark.parametrize("value", EXTREME)
def test_an_extreme_time_parameter_is_400_naming_it(client, value) -> None:
    served = client.get("/api/openapi.json").get_json()  # holds the rules in force as the rule's choices
    for path, name in _time_parameters(document()):
        query = {**_required(served, path), name: value}
        response = client.get(path, query_string=query)
        assert response.status_code == 400, (path, name, value, response.status_code)
        error = response.get_json()["error"]
        assert error["details"][0]["field"] == name, error
        assert name in error["message"], error


@pytest.mark.parametrize("value", EXTREME)
def test_an_extreme_time_in_an_ingest_body_is_422_naming_the_field(client, value) -> None:
    for path, (key, row) in BODIES.items():
        response = client.post(path, json={key: [{**row, "timestamp": value}]})
        assert response.status_code == 422, (path, value, response.status_code, response.get_data(as_text=True))
        assert response.get_json()["error"]["details"][0]["field"] == f"{key}[0].timestamp"


def test_ordinary_and_edge_times_still_work(client) -> None:
    # The document's edges (a year from 1970 to 9998) with the widest offsets are accepted.
    for value in ("2026-03-01T00:00:00Z", "1970-01-01T00:00:00+14:00", "9998-12-31T23:59:59-14:00"):
        assert client.get("/api/export", query_string={"table": "predictions", "to": value}).status_code == 200, value
        for path, (key, row) in BODIES.items():
            response = client.post(path, json={key: [{**row, "id": f"ok-{value}", "timestamp": value}]})
            assert response.status_code == 200, (path, value, response.get_data(as_text=True))
