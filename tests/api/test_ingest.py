"""POST /api/predictions and /api/outcomes: validated, whole-or-nothing, idempotent, authorised."""

from __future__ import annotations

import json

import pytest

from tests.api.helpers import count, log, table_counts


def post(client, path: str, body: object, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(path, data=json.dumps(body), content_type="application/json", headers=headers)


def test_batch_is_stored_with_features_and_answered_after_commit(app, client) -> None:
    response = post(client, "/api/predictions", {"predictions": [log(i) for i in range(50)]})
    assert response.status_code == 200
    assert response.get_json() == {"received": 50, "stored": 50, "duplicates": 0}
    # no flush: the ingest route commits before it answers
    assert table_counts(app) == {"predictions": 50, "prediction_features": 100, "outcomes": 0}
    row = app.predwatch.runtime.store.fetch_one(
        "t",
        "SELECT ts, model, model_version, score, predicted_label, latency_seconds, status, source "
        "FROM predictions WHERE id = 'p-7'",
    )
    assert str(row[0]) == "2026-11-27 12:00:00"
    assert row[1:] == ("ext-model", "3", 0.8, 1, 0.012, "ok", "ingest")
    assert (
        app.predwatch.runtime.store.fetch_one("t", "SELECT value FROM prediction_features WHERE id = 'p-7' AND feature = 'b'")[0]
        == 7.0
    )


def test_retry_stores_nothing_twice(app, client) -> None:
    first = post(client, "/api/predictions", {"predictions": [log(i) for i in range(10)]}).get_json()
    again = post(client, "/api/predictions", {"predictions": [log(i) for i in range(5, 15)]}).get_json()
    assert first["stored"] == 10
    assert again == {"received": 10, "stored": 5, "duplicates": 5}
    assert table_counts(app)["predictions"] == 15
    assert table_counts(app)["prediction_features"] == 30
    registry = app.predwatch.runtime.telemetry.registry
    assert registry.get_sample_value("predictions_total", {"model": "ext-model", "status": "ok"}) == 15


def test_defaults_error_rows_and_timezones(app, client) -> None:
    rows = [
        {"id": "a", "model": "m1", "score": 0.3},
        {"id": "b", "model": "m1", "status": "error", "error_kind": "timeout", "timestamp": "2026-11-27T14:00:00+02:00"},
    ]
    assert post(client, "/api/predictions", {"predictions": rows}).status_code == 200
    store = app.predwatch.runtime.store
    a = store.fetch_one("t", "SELECT predicted_label, status, received_at = ts FROM predictions WHERE id = 'a'")
    assert a == (0, "ok", True)
    b = store.fetch_one("t", "SELECT ts, status, error_kind, score FROM predictions WHERE id = 'b'")
    assert str(b[0]) == "2026-11-27 12:00:00"
    assert b[1:] == ("error", "timeout", None)


BAD_BATCHES = [
    ("malformed json", "{", 400, "invalid_json"),
    ("empty batch", {"predictions": []}, 422, "validation_error"),
    ("missing id", {"predictions": [{"model": "m", "score": 0.5}]}, 422, "validation_error"),
    ("missing model", {"predictions": [{"id": "x", "score": 0.5}]}, 422, "validation_error"),
    ("ok without score", {"predictions": [{"id": "x", "model": "m"}]}, 422, "validation_error"),
    ("error without kind", {"predictions": [{"id": "x", "model": "m", "status": "error"}]}, 422, "validation_error"),
    ("score as text", {"predictions": [log(1, score="0.8")]}, 422, "validation_error"),
    ("score above 1", {"predictions": [log(1, score=1.5)]}, 422, "validation_error"),
    ("negative latency", {"predictions": [log(1, latency_seconds=-1)]}, 422, "validation_error"),
    ("feature an object", {"predictions": [log(1, features={"a": {"b": 1}})]}, 422, "validation_error"),
    ("feature an array", {"predictions": [log(1, features={"a": [1, 2]})]}, 422, "validation_error"),
    ("category too long", {"predictions": [log(1, features={"a": "x" * 201})]}, 422, "validation_error"),
    ("bad model name", {"predictions": [log(1, model="'; DROP TABLE predictions; --")]}, 422, "validation_error"),
    ("bad timestamp", {"predictions": [log(1, timestamp="yesterday")]}, 422, "validation_error"),
    ("unknown field", {"predictions": [log(1, colour="red")]}, 422, "validation_error"),
    ("duplicate ids in batch", {"predictions": [log(1), log(2), log(1)]}, 422, "duplicate_ids"),
    ("oversized batch", {"predictions": [log(i) for i in range(10_001)]}, 422, "validation_error"),
    ("not an object", [1, 2], 422, "validation_error"),
]


@pytest.mark.parametrize(("name", "body", "status", "code"), BAD_BATCHES, ids=[b[0] for b in BAD_BATCHES])
def test_bad_batches_are_4xx_and_change_nothing(app, client, name, body, status, code) -> None:
    post(client, "/api/predictions", {"predictions": [log("kept")]})
    before = table_counts(app)
    text = body if isinstance(body, str) else json.dumps(body)
    response = client.post("/api/predictions", data=text, content_type="application/json")
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert table_counts(app) == before


def test_errors_name_the_row_and_field(client) -> None:
    rows = [log(0), log(1), log(2, score=7)]
    error = post(client, "/api/predictions", {"predictions": rows}).get_json()["error"]
    assert error["details"][0]["row"] == 2
    assert error["details"][0]["field"] == "predictions[2].score"
    error = post(client, "/api/predictions", {"predictions": [log(0), log(0)]}).get_json()["error"]
    assert error["details"] == [{"row": 1, "field": "[1].id", "error": "duplicate of row 0 in this batch"}]


def test_numbers_categories_booleans_and_nulls_are_stored_with_their_kind(app, client) -> None:
    rows = [
        log(i, features={"x": 1.5, "n": 2, "country": "DE", "flag": i % 2 == 0, "gone": None, "c": "x" * 200}) for i in range(3)
    ]
    assert post(client, "/api/predictions", {"predictions": rows}).get_json()["stored"] == 3
    store = app.predwatch.runtime.store
    numbers = store.fetch_all("t", "SELECT feature, value FROM prediction_features WHERE id = 'p-0' ORDER BY feature")
    assert numbers == [("gone", None), ("n", 2.0), ("x", 1.5)]
    categories = store.fetch_all(
        "t", "SELECT id, feature, category FROM prediction_categories WHERE feature <> 'c' ORDER BY id, feature"
    )
    assert categories == [
        ("p-0", "country", "DE"),
        ("p-0", "flag", "true"),
        ("p-1", "country", "DE"),
        ("p-1", "flag", "false"),
        ("p-2", "country", "DE"),
        ("p-2", "flag", "true"),
    ]
    # a retry of a mixed batch with one new row stores that row's categories only
    again = post(client, "/api/predictions", {"predictions": [*rows, log(3, features={"country": "FR"})]}).get_json()
    assert again["stored"] == 1
    assert count(app, "prediction_categories") == 10


def test_a_value_of_another_type_is_named_by_row_and_field(client) -> None:
    rows = [log(0), log(1, features={"a": 1.0, "b": {"nested": 1}})]
    error = post(client, "/api/predictions", {"predictions": rows}).get_json()["error"]
    assert error["details"] == [
        {
            "row": 1,
            "field": "predictions[1].features.b",
            "error": "a feature value must be a number, a category (a string of at most 200 characters), "
            "true or false (a category of two, stored as 'true' / 'false'), or null (missing)",
        }
    ]


def test_openapi_states_the_feature_value_kinds(client) -> None:
    doc = client.get("/api/openapi.json").get_json()
    features = doc["components"]["schemas"]["PredictionLogIn"]["properties"]["features"]["anyOf"][0]
    kinds = features["additionalProperties"]
    assert [k["type"] for k in kinds["anyOf"]] == ["number", "boolean", "string", "null"]
    assert kinds["anyOf"][2]["maxLength"] == 200
    assert "missing" in kinds["description"]


def test_nan_and_infinity_are_refused(app, client) -> None:
    for bad in ("NaN", "Infinity", "-Infinity"):
        text = '{"predictions": [{"id": "x", "model": "m", "score": ' + bad + "}]}"
        assert client.post("/api/predictions", data=text, content_type="application/json").status_code == 422
        text = '{"predictions": [{"id": "x", "model": "m", "score": 0.5, "features": {"a": ' + bad + "}}]}"
        assert client.post("/api/predictions", data=text, content_type="application/json").status_code == 422
    assert count(app, "predictions") == 0


def test_oversized_body_is_413(make_app) -> None:
    app = make_app(max_body_mb=0.01)
    response = post(app.server.test_client(), "/api/predictions", {"predictions": [log(i) for i in range(200)]})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"
    assert count(app, "predictions") == 0


def test_outcomes_match_predictions_count_orphans_and_are_idempotent(app, client) -> None:
    post(client, "/api/predictions", {"predictions": [log(i) for i in range(3)]})
    body = {
        "outcomes": [
            {"id": "p-0", "label": 1},
            {"id": "p-1", "label": 0, "timestamp": "2026-11-27T12:05:00Z"},
            {"id": "unknown", "label": 1},
        ]
    }
    assert post(client, "/api/outcomes", body).get_json() == {"received": 3, "stored": 3, "duplicates": 0, "orphans": 1}
    assert post(client, "/api/outcomes", body).get_json() == {"received": 3, "stored": 0, "duplicates": 3, "orphans": 0}
    assert count(app, "outcomes") == 3


@pytest.mark.parametrize(
    "body",
    [
        {"outcomes": []},
        {"outcomes": [{"id": "a"}]},
        {"outcomes": [{"id": "a", "label": ""}]},  # a class name has at least one character
        {"outcomes": [{"id": "a", "label": 1}, {"id": "a", "label": 0}]},
        {"outcomes": [{"id": "a", "label": -1}]},
    ],
)
def test_bad_outcomes_are_422_and_change_nothing(app, client, body) -> None:
    assert post(client, "/api/outcomes", body).status_code == 422
    assert count(app, "outcomes") == 0


@pytest.mark.parametrize("path", ["/api/predictions", "/api/outcomes", "/api/predict"])
def test_token_is_required_when_configured(make_app, path) -> None:
    app = make_app(api_token="s3cret")
    client = app.server.test_client()
    body = (
        {"predictions": [log(1)]}
        if path == "/api/predictions"
        else ({"outcomes": [{"id": "p-1", "label": 1}]} if path == "/api/outcomes" else {"features": {}})
    )
    before = table_counts(app)
    assert post(client, path, body).status_code == 401
    assert post(client, path, body, token="wrong").status_code == 401
    assert client.post(path + "?token=s3cret", json=body).status_code == 401
    assert client.post(path, json=body, headers={"Authorization": "Basic s3cret"}).status_code == 401
    app.predwatch.runtime.writer.flush()
    assert table_counts(app) == before
    assert post(client, path, body, token="s3cret").status_code in (200, 422)


def test_read_routes_stay_open_with_a_token(make_app) -> None:
    client = make_app(api_token="s3cret").server.test_client()
    assert client.get("/api/system_health").status_code == 200
    assert client.get("/api/recent_predictions").status_code == 200
