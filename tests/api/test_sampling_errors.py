"""GET /api/model_performance's sampling_errors: from the stored window and an on-demand one, equal to SciPy's
Wilson interval and to DeLong's AUC error on the raw rows (binary), to SciPy's standard errors of |e| and e^2
(regression); the body has the keys the document names."""

from __future__ import annotations

import json
import math
from datetime import timedelta

import numpy as np
import pytest
from scipy import stats

from api.sampling_body import SCHEMA
from data.clock import utcnow
from tests.api.test_multiclass_performance import ingest as ingest_multiclass
from tests.api.test_regression_performance import ingest as ingest_regression
from tests.model_feed import evaluate

EXACT = {"rel": 1e-9, "abs": 1e-12}


def post(client, path: str, body: object) -> None:
    response = client.post(path, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.get_json()


def ingest_binary(client, n: int = 500) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(21)
    labels = rng.integers(0, 2, n)
    scores = np.round(np.clip(rng.normal(0.4 + 0.2 * labels, 0.2), 0, 1), 2)  # one score per profile bin: exact
    start = utcnow() - timedelta(minutes=20)
    rows = [
        {"id": f"b{i}", "model": "fraud", "timestamp": (start + timedelta(seconds=2 * i)).isoformat() + "Z", "score": s}
        | {"predicted_label": int(s >= 0.5)}
        for i, s in enumerate(scores.tolist())
    ]
    post(client, "/api/predictions", {"predictions": rows})
    post(client, "/api/outcomes", {"outcomes": [{"id": f"b{i}", "label": int(y)} for i, y in enumerate(labels.tolist())]})
    return scores, labels


def delong(scores: np.ndarray, labels: np.ndarray) -> float:
    x, y = scores[labels == 1], scores[labels == 0]
    kernel = (x[:, None] > y[None, :]) + 0.5 * (x[:, None] == y[None, :])
    return math.sqrt(kernel.mean(axis=1).var(ddof=1) / len(x) + kernel.mean(axis=0).var(ddof=1) / len(y))


def bodies(client, model: str) -> list[dict]:
    found = [client.get(f"/api/model_performance?model={model}&window={w}").get_json() for w in ("24h", "90m")]
    assert [b["source"] for b in found] == ["evaluation", "profiles"]
    return [b["models"][0]["sampling_errors"] for b in found]


def test_binary_errors_equal_scipy_and_delong_on_the_raw_rows(app, client) -> None:
    scores, labels = ingest_binary(client)
    evaluate(app, {"15m": 900, "24h": 86400}, min_samples=50, now=utcnow())
    predicted = scores >= 0.5
    right, tp = int(np.sum(predicted == labels)), int(np.sum(predicted & (labels == 1)))
    accuracy = stats.binomtest(right, len(labels)).proportion_ci(method="wilson")
    precision = stats.binomtest(tp, int(predicted.sum())).proportion_ci(method="wilson")
    for errors in bodies(client, "fraud"):
        assert set(errors) == set(SCHEMA["properties"])
        assert errors["auc_se"] == pytest.approx(delong(scores, labels), **EXACT)
        assert [errors["accuracy"]["lo"], errors["accuracy"]["hi"]] == pytest.approx([accuracy.low, accuracy.high], **EXACT)
        assert [errors["precision"]["lo"], errors["precision"]["hi"]] == pytest.approx([precision.low, precision.high], **EXACT)
        assert errors["mae_se"] is None


def test_regression_errors_equal_scipy_on_the_raw_rows(app, client) -> None:
    p, y = ingest_regression(client)
    evaluate(app, {"15m": 900, "24h": 86400}, min_samples=50, now=utcnow())
    e = p - y
    rmse = math.sqrt(np.mean(e * e))
    for errors in bodies(client, "loan-amount"):
        assert errors["mae_se"] == pytest.approx(stats.sem(np.abs(e)), rel=1e-9)
        assert errors["rmse_se"] == pytest.approx(stats.sem(e * e) / (2 * rmse), rel=1e-9)
        assert errors["auc_se"] is None


def test_the_document_names_the_sampling_errors(client) -> None:
    document = client.get("/api/openapi.json").get_json()
    assert "sampling_errors" in json.dumps(document["paths"]["/api/model_performance"])


def test_multiclass_accuracy_interval_equals_scipy_on_the_raw_rows(app, client) -> None:
    truths, predicted, _ = ingest_multiclass(client)
    evaluate(app, {"15m": 900, "24h": 86400}, min_samples=50, now=utcnow())
    right = sum(t == p for t, p in zip(truths, predicted, strict=True))
    expected = stats.binomtest(right, len(truths)).proportion_ci(method="wilson")
    for errors in bodies(client, "grades"):
        assert [errors["accuracy"]["lo"], errors["accuracy"]["hi"]] == pytest.approx([expected.low, expected.high], **EXACT)
