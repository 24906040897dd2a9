"""The OpenAPI document states what the server enforces, so a client (or a fuzzer such as schemathesis)
built from it sends nothing schema-valid that the server then refuses: a time the document's pattern allows is
accepted and one it refuses is refused, by query and by body alike; batch sizes, unique rows, export tables
and the large-body 503 are in the document."""

from __future__ import annotations

import re

import pytest

from api.openapi import document
from api.schemas import MAX_BATCH
from data.queries.export import EXPORTABLE

ALLOWED = [
    "2026-03-01T00:00:00Z",
    "2026-03-01t00:00:00z",
    "2026-03-01 00:00:00",
    "2026-03-01T00:00:00.123456789+05:30",
    "2024-02-29T12:00:00-23:59",
    "2000-02-29T00:00:00Z",
    "1970-01-01T00:00:00+23:59",
    "9998-12-31T23:59:59-23:59",
]
REFUSED = [
    "2026-03-01",
    "2026-03-01T10:00",
    "1700000000",
    "2026-02-29T00:00:00Z",
    "2100-02-29T00:00:00Z",
    "2026-04-31T00:00:00Z",
    "2026-03-01T00:00:60Z",
    "2026-03-01T24:00:00Z",
    "2026-03-01T00:00:00.Z",
    "2026-03-01T00:00:00+24:00",
    "1969-12-31T23:00:00-05:00",
    "9999-01-01T00:00:00Z",
    "2026-03-01T00:00:00+0530",
]
ROWS = {"/api/predictions": ("predictions", {"model": "m", "score": 0.5}), "/api/outcomes": ("outcomes", {"label": 1})}


def _time_schema() -> dict:
    params = document()["paths"]["/api/export"]["get"]["parameters"]
    return next(p["schema"] for p in params if p["name"] == "from")


@pytest.mark.parametrize("value", ALLOWED + REFUSED)
def test_a_time_is_accepted_exactly_when_the_document_allows_it(client, value) -> None:
    allowed = re.search(_time_schema()["pattern"], value) is not None
    assert allowed == (value in ALLOWED)
    answer = client.get("/api/export", query_string={"table": "predictions", "to": value})
    assert answer.status_code == (200 if allowed else 400), (value, answer.get_data(as_text=True))
    for n, (path, (key, row)) in enumerate(ROWS.items()):
        answer = client.post(path, json={key: [{**row, "id": f"t{n}-{value}", "timestamp": value}]})
        assert answer.status_code == (200 if allowed else 422), (path, value, answer.get_data(as_text=True))


def test_batches_tables_and_busy_answers_are_in_the_document() -> None:
    doc = document()
    schemas = doc["components"]["schemas"]
    for name, key in (("PredictionBatch", "predictions"), ("OutcomeBatch", "outcomes")):
        rows = schemas[name]["properties"][key]
        assert rows["maxItems"] == MAX_BATCH
        assert rows["minItems"] == 1
        assert rows["uniqueItems"] is True
        assert rows["x-unique-property"] == "id"
        assert "duplicate_ids" in rows["description"]
    for path in ("/api/predictions", "/api/outcomes", "/api/predict"):
        operation = doc["paths"][path]["post"]
        assert {"413", "422", "503"} <= set(operation["responses"])
        assert "32 MB" in operation["requestBody"]["description"]
    table = next(p for p in doc["paths"]["/api/export"]["get"]["parameters"] if p["name"] == "table")
    assert table["required"]
    assert table["schema"]["enum"] == list(EXPORTABLE)
    features = schemas["PredictionLogIn"]["properties"]["features"]["anyOf"][0]
    number = features["additionalProperties"]["anyOf"][0]
    assert features["maxProperties"] == 500
    assert number["maximum"] == -number["minimum"] > 1e308


def test_a_number_beyond_a_double_is_refused_as_the_document_says(client) -> None:
    body = '{"predictions": [{"id": "big", "model": "m", "score": 0.5, "features": {"x": 1%s}}]}' % ("0" * 400)
    answer = client.post("/api/predictions", data=body, content_type="application/json")
    assert answer.status_code == 422
    assert "features" in answer.get_json()["error"]["details"][0]["field"]
