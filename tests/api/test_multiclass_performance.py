"""GET /api/model_performance for a multiclass model: the evaluation job's stored answer and an on-demand
window give the same figures, equal to scikit-learn's on the raw rows; the body has the keys the document names."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, log_loss

import api.windows
from api.multiclass_body import SCHEMA
from data.clock import utcnow
from tests.model_feed import evaluate

CLASSES = ["A", "B", "C", "D", "E"]


def post(client, path: str, body: object):
    response = client.post(path, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.get_json()
    return response


def ingest(client, n: int = 400, seed: int = 3, now: datetime | None = None) -> tuple[list[str], list[str], np.ndarray]:
    """n rows 2 s apart, from 20 minutes before `now` (else the clock's now)."""
    rng = np.random.default_rng(seed)
    rows, outcomes, truths, predicted, probs = [], [], [], [], []
    start = (now or utcnow()) - timedelta(minutes=20)
    for i in range(n):
        true = CLASSES[int(rng.integers(0, 5))]
        weights = rng.dirichlet(np.ones(5)) + 0.8 * (np.array(CLASSES) == true)
        p = np.round(weights / weights.sum(), 4)
        p[-1] = round(1.0 - p[:-1].sum(), 10)
        label = CLASSES[int(np.argmax(p))]
        when = (start + timedelta(seconds=2 * i)).isoformat() + "Z"
        rows.append({"id": f"g{i}", "model": "grades", "timestamp": when, "predicted_label": label,
                     "probabilities": dict(zip(CLASSES, p.tolist(), strict=True))})  # fmt: skip
        outcomes.append({"id": f"g{i}", "label": true})
        truths.append(true), predicted.append(label), probs.append(p)
    post(client, "/api/predictions", {"task": "multiclass", "predictions": rows})
    post(client, "/api/outcomes", {"outcomes": outcomes})
    return truths, predicted, np.array(probs)


def check(model: dict, truths: list[str], predicted: list[str], probs: np.ndarray) -> None:
    assert model["task"] == "multiclass" and model["status"] == "ok"
    assert model["metrics"]["accuracy"] == pytest.approx(accuracy_score(truths, predicted), abs=1e-9)
    assert model["metrics"]["f1"] == pytest.approx(f1_score(truths, predicted, average="macro"), abs=1e-9)
    mc = model["multiclass"]
    assert mc["averages"]["weighted"]["f1"] == pytest.approx(f1_score(truths, predicted, average="weighted"), abs=1e-9)
    assert mc["confusion_matrix"]["classes"] == CLASSES
    assert mc["confusion_matrix"]["counts"] == confusion_matrix(truths, predicted, labels=CLASSES).tolist()
    assert mc["log_loss"] == pytest.approx(log_loss(truths, probs, labels=CLASSES), abs=1e-9)
    assert [c["class"] for c in mc["classes"]] == CLASSES
    assert model["error_bounds"]["auc"] is not None and 0.5 < model["metrics"]["auc"] <= 1.0


def test_stored_and_on_demand_windows_answer_the_same_exact_figures(app, client, monkeypatch) -> None:
    # Pinned 8 minutes after today's midnight: the rows span it, so the windows read the closed hour before
    # it from the hour tier and its minutes after, each from a differently shaped union of tiers.
    now = utcnow().replace(hour=0, minute=8, second=0, microsecond=0)
    monkeypatch.setattr(api.windows, "utcnow", lambda: now + timedelta(seconds=5))
    truths, predicted, probs = ingest(client, now=now)
    evaluate(app, {"15m": 900, "24h": 86400}, min_samples=50, now=now)
    stored = client.get("/api/model_performance?model=grades&window=24h").get_json()
    on_demand = client.get("/api/model_performance?model=grades&window=90m").get_json()
    assert stored["source"] == "evaluation" and on_demand["source"] == "profiles"
    assert set(stored["models"][0]["multiclass"]) == set(SCHEMA["properties"])  # the document names every key
    for body in (stored, on_demand):
        (model,) = body["models"]
        check(model, truths, predicted, probs)
    keep = ("metrics", "multiclass", "sample_sizes", "error_bounds")
    assert {k: stored["models"][0][k] for k in keep} == {k: on_demand["models"][0][k] for k in keep}


def test_a_multiclass_model_without_labels_is_insufficient_data(app, client) -> None:
    rows = [{"id": f"u{i}", "model": "fresh", "predicted_label": "A"} for i in range(5)]
    post(client, "/api/predictions", {"task": "multiclass", "predictions": rows})
    evaluate(app, {"15m": 900, "24h": 86400}, min_samples=1, now=utcnow())
    (model,) = client.get("/api/model_performance?model=fresh&window=24h").get_json()["models"]
    assert model["status"] == "insufficient_data" and model["sample_sizes"]["labelled"] == 0
    assert model["multiclass"]["confusion_matrix"] == {"classes": [], "counts": []}
