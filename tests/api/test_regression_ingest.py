"""Regression ingest: a batch declared `regression` logs a numeric `prediction` (any finite number, stored in the
score column) and its outcomes numeric labels (kept exactly); bad input is a 422 naming row and field, and
nothing of that batch is written."""

from __future__ import annotations

import json

import pytest

from tests.api.helpers import log, table_counts


def post(client, route: str, body: object):
    return client.post(route, data=json.dumps(body), content_type="application/json")


def regression_row(i: int, prediction: object = 1234.5, **overrides: object) -> dict:
    row = log(i, model="prices", prediction=prediction, **overrides)
    del row["score"], row["predicted_label"]
    return row


def stored(app, sql: str) -> list[tuple]:
    return app.predwatch.runtime.store.fetch_all("test.regression", sql)


def test_a_regression_batch_stores_any_finite_prediction_and_numeric_labels(app, client) -> None:
    rows = [regression_row(0, 250_000.0), regression_row(1, -3.25), regression_row(2, 7)]
    response = post(client, "/api/predictions", {"task": "regression", "predictions": rows})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["stored"] == 3
    assert stored(app, "SELECT id, score FROM predictions ORDER BY id") == [("p-0", 250_000.0), ("p-1", -3.25), ("p-2", 7.0)]
    outcomes = [{"id": "p-0", "label": 249_999.75}, {"id": "p-1", "label": -1}, {"id": "p-2", "label": 7}]
    assert post(client, "/api/outcomes", {"outcomes": outcomes}).status_code == 200
    labels = stored(
        app, "SELECT o.id, coalesce(v.value, o.label) FROM outcomes o LEFT JOIN outcome_values v USING (id) ORDER BY o.id"
    )
    assert labels == [("p-0", 249_999.75), ("p-1", -1.0), ("p-2", 7.0)]
    # a later batch of the same model need not declare the task again
    assert post(client, "/api/predictions", {"predictions": [regression_row(3, 99.5)]}).status_code == 200
    # a retried outcome keeps the label it was stored with
    assert post(client, "/api/outcomes", {"outcomes": [{"id": "p-0", "label": 1.5}]}).get_json()["duplicates"] == 1
    assert stored(app, "SELECT value FROM outcome_values WHERE id = 'p-0'") == [(249_999.75,)]


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"task": "regression", "predictions": [ROW0, ROW1_PREDICTION_NAN]}', "predictions[1].prediction"),
        ('{"task": "regression", "predictions": [ROW0, ROW1_PREDICTION_INF]}', "predictions[1].prediction"),
        ('{"task": "regression", "predictions": [ROW0, ROW1_PREDICTION_TEXT]}', "predictions[1].prediction"),
        ('{"task": "regression", "predictions": [ROW0, ROW1_PREDICTION_HUGE]}', "predictions[1].prediction"),
        ('{"task": "regression", "predictions": [ROW0, ROW1_NO_PREDICTION]}', "predictions[1].prediction"),
        ('{"task": "regression", "predictions": [ROW0, ROW1_SCORE]}', "predictions[1].score"),
        ('{"predictions": [BINARY_WITH_PREDICTION]}', "predictions[0].prediction"),
    ],
)
def test_bad_regression_input_is_a_422_naming_row_and_field_and_writes_nothing(app, client, raw, field) -> None:
    good = json.dumps(regression_row(0))
    second = regression_row(1)
    parts = {
        "ROW0": good,
        "ROW1_PREDICTION_NAN": json.dumps(second).replace("1234.5", "NaN"),
        "ROW1_PREDICTION_INF": json.dumps(second).replace("1234.5", "Infinity"),
        "ROW1_PREDICTION_TEXT": json.dumps(second).replace("1234.5", '"1234.5"'),
        "ROW1_PREDICTION_HUGE": json.dumps(second).replace("1234.5", "1e400"),
        "ROW1_NO_PREDICTION": json.dumps({k: v for k, v in second.items() if k != "prediction"}),
        "ROW1_SCORE": json.dumps({**second, "score": 0.5}),
        "BINARY_WITH_PREDICTION": json.dumps(log(0, prediction=3.0)),
    }
    for name in sorted(parts, key=len, reverse=True):
        raw = raw.replace(name, parts[name])
    before = table_counts(app)
    response = client.post("/api/predictions", data=raw, content_type="application/json")
    assert response.status_code == 422, response.get_json()
    assert field in [d["field"] for d in response.get_json()["error"]["details"]]
    assert table_counts(app) == before
    assert stored(app, "SELECT count(*) FROM model_tasks") == [(0,)]


@pytest.mark.parametrize("label", ["NaN", "Infinity", "1e400", "null", "true"])
def test_a_bad_regression_label_is_a_422_naming_row_and_field(app, client, label) -> None:
    assert post(client, "/api/predictions", {"task": "regression", "predictions": [regression_row(0)]}).status_code == 200
    raw = '{"outcomes": [{"id": "p-0", "label": 1.5}, {"id": "p-1", "label": LABEL}]}'.replace("LABEL", label)
    response = client.post("/api/outcomes", data=raw, content_type="application/json")
    assert response.status_code == 422
    assert all(d["field"].startswith("outcomes[1].label") for d in response.get_json()["error"]["details"])
    assert stored(app, "SELECT (SELECT count(*) FROM outcomes), (SELECT count(*) FROM outcome_values)") == [(0, 0)]


def test_a_numeric_label_for_a_binary_prediction_is_refused(app, client) -> None:
    assert post(client, "/api/predictions", {"predictions": [log(0)]}).status_code == 200
    response = post(client, "/api/outcomes", {"outcomes": [{"id": "p-0", "label": 0.5}]})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "outcomes[0].label"
    assert table_counts(app)["outcomes"] == 0
    assert post(client, "/api/outcomes", {"outcomes": [{"id": "p-0", "label": 1.0}]}).status_code == 200  # 1.0 is 1
    assert stored(app, "SELECT label FROM outcomes") == [(1,)]


def test_the_clients_regression_batches_send_prediction_and_numeric_labels(app, client) -> None:
    from predwatch_client.wire import OUTCOME, PREDICTION, encode

    prediction = (PREDICTION, "r1", "loan-amount", None, 1_790_000_000.0, {"income": 52000.0}, 18_250.5, None, None, "ok", None)
    body = encode(PREDICTION, [prediction], "regression")
    assert json.loads(body)["predictions"][0]["prediction"] == 18_250.5
    assert client.post("/api/predictions", data=body, content_type="application/json").status_code == 200
    outcome = encode(OUTCOME, [(OUTCOME, "r1", 17_900.25, 1_790_000_100.0)])
    assert client.post("/api/outcomes", data=outcome, content_type="application/json").status_code == 200
    assert stored(app, "SELECT p.score, v.value FROM predictions p JOIN outcome_values v USING (id)") == [(18_250.5, 17_900.25)]
