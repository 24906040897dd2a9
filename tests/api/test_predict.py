"""POST /api/predict: the built-in models, instrumented, logged through the writer."""

from __future__ import annotations

import math

import pytest

from predictor.models import VERSION
from tests.api.helpers import GOOD_FEATURES, count


def metric(app, name: str, labels: dict[str, str] | None = None) -> float:
    return app.predwatch.runtime.telemetry.registry.get_sample_value(name, labels or {}) or 0.0


def test_one_row_answers_the_contract_and_is_logged(app, client) -> None:
    response = client.post("/api/predict", json={"model": "credit-gbm", "features": GOOD_FEATURES})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"id", "model", "model_version", "score", "predicted_label", "latency_seconds"}
    assert body["model"] == "credit-gbm"
    assert body["model_version"] == VERSION
    assert 0.0 <= body["score"] <= 1.0
    assert body["predicted_label"] == int(body["score"] >= 0.5)
    assert 0 < body["latency_seconds"] < 5
    app.predwatch.runtime.writer.flush()
    stored = app.predwatch.runtime.store.fetch_one(
        "t", "SELECT model, score, status, source FROM predictions WHERE id = ?", [body["id"]]
    )
    assert stored == ("credit-gbm", pytest.approx(body["score"]), "ok", "builtin")
    features = app.predwatch.runtime.store.fetch_all(
        "t", "SELECT feature, value FROM prediction_features WHERE id = ? ORDER BY feature", [body["id"]]
    )
    assert dict(features) == GOOD_FEATURES
    assert metric(app, "predictions_total", {"model": "credit-gbm", "status": "ok"}) == 1
    assert metric(app, "prediction_duration_seconds_count", {"model": "credit-gbm"}) == 1
    assert metric(app, "model_prediction_latency_seconds_count", {"model": "credit-gbm"}) == 1
    assert metric(app, "active_models") == 2
    assert metric(app, "predictions_in_flight") == 0


def test_default_model_and_batch_of_instances(client) -> None:
    response = client.post("/api/predict", json={"instances": [GOOD_FEATURES, dict(GOOD_FEATURES, income=9000.0)]})
    assert response.status_code == 200
    rows = response.get_json()["predictions"]
    assert [r["model"] for r in rows] == ["credit-gbm", "credit-gbm"]
    assert rows[0]["id"] != rows[1]["id"]


def test_score_matches_the_model(app, client) -> None:
    from predictor.models import load_or_train

    body = client.post("/api/predict", json={"model": "credit-logreg", "features": GOOD_FEATURES}).get_json()
    bundle = load_or_train(app.predwatch.runtime.settings.model_path)["credit-logreg"]
    import numpy as np

    expected = bundle.predict_scores(np.array([[GOOD_FEATURES[f] for f in bundle.features]]))[0]
    assert body["score"] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"model": "nope", "features": GOOD_FEATURES}, 422, "validation_error"),
        ({"features": dict(GOOD_FEATURES, income="a lot")}, 422, "validation_error"),
        ({"features": {k: v for k, v in GOOD_FEATURES.items() if k != "age"}}, 422, "validation_error"),
        ({"features": dict(GOOD_FEATURES, shoe_size=42.0)}, 422, "validation_error"),
        ({"features": dict(GOOD_FEATURES, income=True)}, 422, "validation_error"),
        ({}, 422, "validation_error"),
        ({"features": GOOD_FEATURES, "instances": [GOOD_FEATURES]}, 422, "validation_error"),
        ({"features": GOOD_FEATURES, "extra": 1}, 422, "validation_error"),
    ],
)
def test_bad_requests_are_422_and_counted_as_validation_errors(app, client, payload, status, code) -> None:
    response = client.post("/api/predict", json=payload)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert isinstance(error["details"], list)


def test_feature_errors_name_the_field_and_are_stored_as_failed_predictions(app, client) -> None:
    response = client.post("/api/predict", json={"features": dict(GOOD_FEATURES, income=None)})
    details = response.get_json()["error"]["details"]
    assert details == [{"row": 0, "field": "features.income", "error": "missing"}]
    app.predwatch.runtime.writer.flush()
    row = app.predwatch.runtime.store.fetch_one("t", "SELECT status, error_kind, score FROM predictions")
    assert row == ("error", "validation_error", None)
    assert metric(app, "prediction_errors_total", {"model": "credit-gbm", "kind": "validation_error"}) == 1
    assert metric(app, "predictions_total", {"model": "credit-gbm", "status": "error"}) == 1


def test_non_finite_and_malformed_json(client) -> None:
    text = '{"features": {"income": NaN}}'
    response = client.post("/api/predict", data=text, content_type="application/json")
    assert response.status_code == 422
    response = client.post("/api/predict", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"
    response = client.post("/api/predict", data="x=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_model_failure_is_a_categorised_500(app, client, monkeypatch) -> None:
    service = app.server.extensions["predwatch.service"]
    monkeypatch.setattr(service.models["credit-gbm"], "estimator", object())
    response = client.post("/api/predict", json={"features": GOOD_FEATURES})
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "model_error"
    assert metric(app, "prediction_errors_total", {"model": "credit-gbm", "kind": "model_error"}) == 1


def test_slow_prediction_is_a_timeout(make_app) -> None:
    app = make_app(predict_timeout=1e-9)
    response = app.server.test_client().post("/api/predict", json={"features": GOOD_FEATURES})
    assert response.status_code == 504
    assert response.get_json()["error"]["code"] == "timeout"
    app.predwatch.runtime.writer.flush()
    assert count(app, "predictions") == 1
    assert math.isclose(metric(app, "prediction_errors_total", {"model": "credit-gbm", "kind": "timeout"}), 1)
