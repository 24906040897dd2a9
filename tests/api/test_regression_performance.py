"""GET /api/model_performance for a regression model: the evaluation job's stored answer and an on-demand
window give the same figures, equal to scikit-learn's on the raw rows; the body has the keys the document names."""

from __future__ import annotations

import json
from datetime import timedelta

import numpy as np
import pytest
from sklearn.metrics import mean_absolute_error, mean_absolute_percentage_error, mean_squared_error, r2_score

from api.regression_body import SCHEMA
from data.clock import utcnow
from tests.model_feed import evaluate

EXACT = {"rel": 1e-9, "abs": 1e-9}


def post(client, path: str, body: object):
    response = client.post(path, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.get_json()
    return response


def ingest(client, n: int = 400, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    start = utcnow() - timedelta(minutes=20)
    truth = np.round(rng.lognormal(9.5, 0.6, n), 2)
    truth[:10] = 0.0  # left out of MAPE
    predicted = truth * rng.normal(1.03, 0.2, n) + rng.normal(0, 200, n)
    rows = [
        {
            "id": f"a{i}",
            "model": "loan-amount",
            "timestamp": (start + timedelta(seconds=2 * i)).isoformat() + "Z",
            "prediction": p,
        }
        for i, p in enumerate(predicted.tolist())
    ]
    post(client, "/api/predictions", {"task": "regression", "predictions": rows})
    post(client, "/api/outcomes", {"outcomes": [{"id": f"a{i}", "label": y} for i, y in enumerate(truth.tolist())]})
    return predicted, truth


def check(model: dict, p: np.ndarray, y: np.ndarray) -> None:
    assert model["task"] == "regression" and model["status"] == "ok"
    assert model["sample_sizes"]["labelled"] == len(y)
    r = model["regression"]
    assert r["mae"] == pytest.approx(mean_absolute_error(y, p), **EXACT)
    assert r["rmse"] == pytest.approx(np.sqrt(mean_squared_error(y, p)), **EXACT)
    assert r["r2"] == pytest.approx(r2_score(y, p), **EXACT)
    assert r["mean_error"] == pytest.approx((p - y).mean(), **EXACT)
    assert r["mape_count"] == len(y) - 10
    assert r["mape"] == pytest.approx(mean_absolute_percentage_error(y[10:], p[10:]), **EXACT)
    for q, name in ((0.5, "p50"), (0.9, "p90"), (0.99, "p99")):
        found = r["abs_error_quantiles"][name]
        assert abs(found["value"] - np.quantile(np.abs(p - y), q, method="inverted_cdf")) <= found["bound"] * (1 + 1e-9)
    assert model["metrics"]["auc"] is None and model.get("multiclass") is None


def test_stored_and_on_demand_windows_answer_the_same_exact_figures(app, client) -> None:
    p, y = ingest(client)
    evaluate(app, {"15m": 900, "24h": 86400}, min_samples=50, now=utcnow())
    stored = client.get("/api/model_performance?model=loan-amount&window=24h").get_json()
    on_demand = client.get("/api/model_performance?model=loan-amount&window=90m").get_json()
    assert stored["source"] == "evaluation" and on_demand["source"] == "profiles"
    assert set(stored["models"][0]["regression"]) == set(SCHEMA["properties"])  # the document names every key
    for body in (stored, on_demand):
        (model,) = body["models"]
        check(model, p, y)
    figures = [{k: v for k, v in b["models"][0]["regression"].items() if k != "note"} for b in (stored, on_demand)]
    assert figures[0].pop("abs_error_quantiles") == figures[1].pop("abs_error_quantiles")  # counts: the same bins
    assert figures[0] == pytest.approx(figures[1], rel=1e-12)  # sums added in another order
    document = client.get("/api/openapi.json").get_json()
    assert "regression" in json.dumps(document["paths"]["/api/model_performance"])


def test_a_regression_model_without_labels_is_insufficient_data(app, client) -> None:
    post(client, "/api/predictions", {"task": "regression", "predictions": [{"id": "u1", "model": "fresh", "prediction": 3.5}]})
    evaluate(app, {"15m": 900, "24h": 86400}, min_samples=1, now=utcnow())
    (model,) = client.get("/api/model_performance?model=fresh&window=24h").get_json()["models"]
    assert model["status"] == "insufficient_data" and model["sample_sizes"] == {
        "predictions": 1,
        "labelled": 0,
        "unlabelled": 1,
        "positives": None,
    }
    assert model["regression"]["mae"] is None


def test_a_regression_models_prediction_drift_is_its_scores(app, client) -> None:
    """Once 2,000 labelled rows freeze its reference, the predicted value drifts like a feature (as __score__)."""
    ingest(client, n=2100, seed=8)
    evaluate(app, {"15m": 900, "24h": 86400}, min_samples=50, now=utcnow())
    evaluate(app, {"15m": 900, "24h": 86400}, min_samples=50, now=utcnow())
    body = client.get("/api/drift?model=loan-amount&window=24h").get_json()
    assert body["score"] is not None and body["score"]["reference_count"] == 2000
    assert body["score"]["current_count"] > 500 and body["score"]["psi"] is not None and body["score"]["verdict"]
