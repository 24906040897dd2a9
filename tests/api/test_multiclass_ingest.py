"""Multiclass ingest: a predicted class (a name or an integer), optional probabilities, true classes on
outcomes; bad input is a 422 naming its row and field with nothing written; at most 100 classes a model."""

from __future__ import annotations

import json

import pytest

from tests.api.helpers import count


def post(client, path: str, body: object):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def row(i: int, label: object = "B", probabilities: object = None, **extra: object) -> dict:
    found = {"id": f"m-{i}", "model": "grades", "timestamp": "2026-11-27T12:00:00Z", "predicted_label": label, **extra}
    if probabilities is not None:
        found["probabilities"] = probabilities
    return found


def batch(*rows: dict) -> dict:
    return {"task": "multiclass", "predictions": list(rows)}


def written(app) -> dict[str, int]:
    tables = ("predictions", "prediction_classes", "prediction_probabilities", "model_classes", "outcomes", "outcome_classes")
    return {t: count(app, t) for t in tables}


def test_a_multiclass_batch_is_stored_with_classes_and_probabilities(app, client) -> None:
    probs = {"A": 0.1, "B": 0.7, "C": 0.2}
    response = post(client, "/api/predictions", batch(row(0, "B", probs), row(1, 3), row(2, "C", {"C": 1.0})))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"received": 3, "stored": 3, "duplicates": 0}
    store = app.predwatch.runtime.store
    assert store.fetch_all("t", "SELECT id, predicted, scored FROM prediction_classes ORDER BY id") == [
        ("m-0", "B", True),
        ("m-1", "3", False),
        ("m-2", "C", True),
    ]
    assert store.fetch_all("t", "SELECT class, position FROM model_classes ORDER BY position") == [
        ("B", 0),
        ("A", 1),
        ("C", 2),
        ("3", 3),
    ]
    assert store.fetch_all("t", "SELECT score, predicted_label FROM predictions WHERE id = 'm-0'") == [(None, None)]
    assert store.fetch_all("t", "SELECT task FROM model_tasks") == [("multiclass",)]
    # a retried batch stores nothing twice
    again = post(client, "/api/predictions", batch(row(0, "B", probs)))
    assert again.get_json()["duplicates"] == 1 and count(app, "prediction_probabilities") == 4


def test_outcomes_carry_class_names_or_integers(app, client) -> None:
    post(client, "/api/predictions", batch(row(0), row(1, 2)))
    response = post(client, "/api/outcomes", {"outcomes": [{"id": "m-0", "label": "A"}, {"id": "m-1", "label": 2}]})
    assert response.status_code == 200, response.get_json()
    store = app.predwatch.runtime.store
    assert store.fetch_all("t", "SELECT id, label FROM outcomes ORDER BY id") == [("m-0", None), ("m-1", 2)]
    assert store.fetch_all("t", "SELECT id, label FROM outcome_classes") == [("m-0", "A")]


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (row(1, "B", {"A": 0.5, "B": 0.4}), "predictions[1].probabilities"),  # sums to 0.9
        (row(1, "B", {"A": 0.5, "B": 0.5 + 2e-6}), "predictions[1].probabilities"),
        (row(1, "B", {"A": 0.5, "C": 0.5}), "predictions[1].probabilities"),  # the predicted label is missing
        (row(1, "B", {"A": "NaN", "B": 1.0}), "predictions[1].probabilities.A"),
        (row(1, "B", {"A": -0.1, "B": 1.1}), "predictions[1].probabilities.A"),
        (row(1, None), "predictions[1].predicted_label"),
        (row(1, "x" * 201), "predictions[1].predicted_label"),
        (row(1, 1.5), "predictions[1].predicted_label"),
        (row(1, "B", score=0.5), "predictions[1].score"),
    ],
)
def test_bad_input_is_a_422_naming_row_and_field_with_nothing_written(app, client, bad: dict, field: str) -> None:
    before = written(app)
    response = post(client, "/api/predictions", batch(row(0, "A", {"A": 1.0}), bad))
    assert response.status_code == 422, response.get_json()
    fields = [d["field"] for d in response.get_json()["error"]["details"]]
    assert field in fields, fields
    assert written(app) == before


def test_sums_within_the_tolerance_are_accepted(app, client) -> None:
    response = post(client, "/api/predictions", batch(row(0, "A", {"A": 0.3, "B": 0.7 + 9e-7})))
    assert response.status_code == 200, response.get_json()


def test_the_101st_class_is_a_422_naming_the_row_and_field_that_brings_it(app, client) -> None:
    first = [row(i, f"c{i}") for i in range(99)]
    assert post(client, "/api/predictions", batch(*first)).status_code == 200
    before = written(app)
    probs = {"c0": 0.5, "c99": 0.25, "c100": 0.25}
    response = post(client, "/api/predictions", batch(row(200, "c0"), row(201, "c0", probs)))
    assert response.status_code == 422
    details = response.get_json()["error"]["details"]
    assert details[0]["row"] == 1 and details[0]["field"] == "predictions[1].probabilities.c100"
    assert written(app) == before
    assert post(client, "/api/predictions", batch(row(202, "c99"))).status_code == 200  # the 100th fits


def test_class_names_and_probabilities_are_refused_for_other_tasks(app, client) -> None:
    binary = {"id": "b-0", "model": "bin", "score": 0.4, "predicted_label": "yes"}
    response = post(client, "/api/predictions", {"predictions": [binary]})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "predictions[0].predicted_label"
    response = post(client, "/api/predictions", {"predictions": [{**binary, "predicted_label": 1, "probabilities": {"1": 1.0}}]})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "predictions[0].probabilities"
    assert post(client, "/api/predictions", {"predictions": [{**binary, "predicted_label": 1}]}).status_code == 200
    response = post(client, "/api/outcomes", {"outcomes": [{"id": "b-0", "label": "A"}]})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "outcomes[0].label"
    assert count(app, "outcomes") == 0


def test_the_client_sends_classes_and_probabilities(app, client) -> None:
    from predwatch_client.wire import OUTCOME, PREDICTION, encode

    item = (PREDICTION, "c1", "grades", None, "2026-11-27T12:00:00Z", None, {"A": 0.25, "B": 0.75}, "B", None, "ok", None)
    body = encode(PREDICTION, [item], "multiclass")
    assert json.loads(body)["predictions"][0]["probabilities"] == {"A": 0.25, "B": 0.75}
    assert client.post("/api/predictions", data=body, content_type="application/json").status_code == 200
    outcome = encode(OUTCOME, [(OUTCOME, "c1", "A", "2026-11-27T12:00:05Z")])
    assert client.post("/api/outcomes", data=outcome, content_type="application/json").status_code == 200
    assert count(app, "prediction_probabilities") == 2 and count(app, "outcome_classes") == 1
