"""A task per model: recorded by its first ingested batch (declared, or inferred binary), fixed once the
model has data (a different task is a 409 naming a new model name, nothing written), and returned by
/api/model_performance; the client declares it with its batches."""

from __future__ import annotations

import json

from predictor.models import CHAMPION
from predwatch_client.wire import PREDICTION, encode
from tests.api.helpers import log, table_counts
from tests.model_feed import evaluate, feed


def post(client, body: object):
    return client.post("/api/predictions", data=json.dumps(body), content_type="application/json")


def recorded(app) -> dict[str, tuple[str, bool]]:
    rows = app.predwatch.runtime.store.fetch_all("t", "SELECT model, task, declared FROM model_tasks")
    return {r[0]: (r[1], r[2]) for r in rows}


def test_a_new_models_task_is_declared_or_inferred_binary(app, client) -> None:
    assert post(client, {"predictions": [log(0)]}).status_code == 200
    assert post(client, {"task": "binary", "predictions": [log(1, model="declared")]}).status_code == 200
    assert recorded(app) == {"ext-model": ("binary", False), "declared": ("binary", True)}
    assert post(client, {"task": "binary", "predictions": [log(2)]}).status_code == 200  # the same task again


def test_another_task_for_a_model_with_data_is_a_409_and_writes_nothing(app, client) -> None:
    post(client, {"predictions": [log(0)]})
    before = table_counts(app)
    response = post(client, {"task": "multiclass", "predictions": [log(1), log(2, model="fresh")]})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "task_conflict"
    assert "new model name" in error["message"] and "ext-model" in error["message"]
    assert error["details"] == [{"field": "task", "model": "ext-model", "task": "binary"}]
    assert table_counts(app) == before
    assert "fresh" not in recorded(app)


def test_a_model_logged_without_a_recorded_task_is_binary(app, client) -> None:
    """The built-in models write through the writer, never recording a task: their data makes them binary."""
    feed(app, 50, seed=1)
    response = post(client, {"task": "regression", "predictions": [log(0, model=CHAMPION)]})
    assert response.status_code == 409
    assert response.get_json()["error"]["details"][0]["task"] == "binary"


def test_an_unknown_task_is_a_422_naming_the_field(app, client) -> None:
    response = post(client, {"task": "ranking", "predictions": [log(0, model="grades")]})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "task"
    assert table_counts(app)["predictions"] == 0 and recorded(app) == {}


def test_model_performance_names_each_models_task(app, client) -> None:
    feed(app, 300, seed=2)
    evaluate(app, {"15m": 900})
    models = client.get("/api/model_performance").get_json()["models"]
    assert models and {m["task"] for m in models} == {"binary"}


def test_the_client_declares_its_task_with_prediction_batches(app, client) -> None:
    item = (PREDICTION, "p1", "from-client", None, None, None, 0.4, None, None, "ok", None)
    assert "task" not in json.loads(encode(PREDICTION, [item]))
    response = client.post("/api/predictions", data=encode(PREDICTION, [item], "binary"), content_type="application/json")
    assert response.status_code == 200
    assert recorded(app) == {"from-client": ("binary", True)}
