"""GET /api/model_performance's `estimated` object for a multiclass model after a real evaluation pass on a
real DuckDB: the one-vs-rest maps fitted on the stored reference rows, the estimate over every scored row
equal to NumPy over the raw rows mapped through them (1e-9), the reconciliation's realized figures the
labelled rows' own (scikit-learn), the stored window and an on-demand one the same, and the estimator's
error stored where the estimator_error rule reads it."""

from __future__ import annotations

import json
from datetime import timedelta

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score

import api.windows
from analytics import multiclass_estimated as mest
from dashboard import ids
from data.clock import utcnow
from data.queries import alert_metrics
from tests.model_feed import evaluate
from tests.unit.analytics.test_binned_quality import score_bin
from tests.unit.test_compare_callbacks import call, traces, values

CLASSES = ["A", "B", "C", "D"]
ROWS, LABELLED = 2600, 2300


def post(client, path: str, body: object) -> None:
    response = client.post(path, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.get_json()


@pytest.fixture
def fed(app, client, monkeypatch):
    """ROWS rows 1 s apart ending a minute before 8 minutes past today's midnight (so windows merge the
    hour tier and minutes, each window from a differently shaped union), probabilities calibrated (the true
    class drawn from them), the first LABELLED labelled; some rows leave a class out (p = 0 there)."""
    now = utcnow().replace(hour=0, minute=8, second=0, microsecond=0)
    monkeypatch.setattr(api.windows, "utcnow", lambda: now + timedelta(seconds=5))
    rng = np.random.default_rng(17)
    logits = rng.normal(0.0, 1.5, (ROWS, len(CLASSES)))
    probs = np.round(np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True), 6)
    probs[:, -1] = np.round(1.0 - probs[:, :-1].sum(axis=1), 10)
    truth = (rng.random(ROWS)[:, None] > np.cumsum(probs, axis=1)).sum(axis=1).clip(0, len(CLASSES) - 1)
    start = now - timedelta(seconds=ROWS + 60)
    rows = []
    for i, p in enumerate(probs):
        sent = {c: float(v) for c, v in zip(CLASSES, p, strict=True) if v > 0 or i % 7}  # every 7th drops p = 0
        rows.append({"id": f"m{i}", "model": "grades", "timestamp": (start + timedelta(seconds=i)).isoformat() + "Z",
                     "predicted_label": CLASSES[int(np.argmax(p))], "probabilities": sent})  # fmt: skip
    post(client, "/api/predictions", {"task": "multiclass", "predictions": rows})
    post(client, "/api/outcomes", {"outcomes": [{"id": f"m{i}", "label": CLASSES[t]} for i, t in enumerate(truth[:LABELLED])]})
    evaluate(app, {"15m": 900, "24h": 86400}, min_samples=50, now=now)
    return app, client, probs, truth, probs.argmax(axis=1)


def _maps(app) -> dict[str, mest.est.CalibrationMap]:
    rows = app.predwatch.runtime.store.fetch_all(
        "t", "SELECT class, lo_bin, p, n FROM model_class_calibration WHERE model = 'grades' ORDER BY class, grp"
    )
    found: dict[str, list[tuple]] = {}
    for name, lo, p, n in rows:
        found.setdefault(name, []).append((lo, p, n))
    return {k: mest.est.CalibrationMap(*(np.array(col, dtype=float) for col in zip(*v, strict=True))) for k, v in found.items()}


def _direct(probs: np.ndarray, predicted: np.ndarray, maps: dict) -> dict[str, float]:
    """Expected accuracy and macro figures over these rows, row by row in NumPy."""
    q = np.column_stack([maps[c].p[maps[c].group(score_bin(probs[:, i]))] for i, c in enumerate(CLASSES)])
    hit = predicted[:, None] == np.arange(len(CLASSES))
    tp, called, positives = (q * hit).sum(axis=0), hit.sum(axis=0), q.sum(axis=0)
    return {
        "accuracy": float(q[np.arange(len(q)), predicted].mean()),
        "precision": float(np.mean(tp / called)),
        "recall": float(np.mean(tp / positives)),
        "f1": float(np.mean(2 * tp / (called + positives))),
    }


def test_the_maps_are_fitted_on_the_reference_rows(fed) -> None:
    app, _, probs, truth, _ = fed
    maps = _maps(app)
    assert sorted(maps) == CLASSES
    for i, c in enumerate(CLASSES):
        fitted = mest.fit_class_map(score_bin(probs[:2000, i]), truth[:2000] == i)
        assert fitted is not None
        assert maps[c].p.tolist() == pytest.approx(fitted.p.tolist(), abs=1e-12)
        assert np.all(np.diff(maps[c].p) >= 0)


def test_estimate_equals_numpy_on_the_raw_rows(fed) -> None:
    app, client, probs, _, predicted = fed
    (model,) = client.get("/api/model_performance?model=grades&window=24h").get_json()["models"]
    estimated = model["estimated"]
    assert estimated["rows"] == ROWS
    expected = _direct(probs, predicted, _maps(app))
    for name, value in expected.items():
        assert estimated["metrics"][name] == pytest.approx(value, abs=1e-9), name
    labelled = _direct(probs[:LABELLED], predicted[:LABELLED], _maps(app))
    assert estimated["reconciliation"]["figures"]["accuracy"]["estimated"] == pytest.approx(labelled["accuracy"], abs=1e-9)
    assert estimated["reconciliation"]["figures"]["f1"]["estimated"] == pytest.approx(labelled["f1"], abs=1e-9)


def test_reconciliation_holds_the_labelled_rows_realized_figures(fed) -> None:
    _, client, _, truth, predicted = fed
    (model,) = client.get("/api/model_performance?model=grades&window=24h").get_json()["models"]
    reconciliation = model["estimated"]["reconciliation"]
    assert reconciliation["labelled_rows"] == LABELLED
    realized = reconciliation["figures"]
    assert realized["accuracy"]["realized"] == pytest.approx(accuracy_score(truth[:LABELLED], predicted[:LABELLED]), abs=1e-9)
    assert realized["f1"]["realized"] == pytest.approx(
        f1_score(truth[:LABELLED], predicted[:LABELLED], average="macro"), abs=1e-9
    )
    assert reconciliation["error_in_standard_errors"] < 4  # calibrated scores: within a few standard errors


def test_on_demand_window_equals_the_stored_one(fed) -> None:
    _, client, _, _, _ = fed
    stored = client.get("/api/model_performance?model=grades&window=24h").get_json()
    on_demand = client.get("/api/model_performance?model=grades&window=90m").get_json()
    assert on_demand["source"] == "profiles"
    assert _leaves(stored["models"][0]["estimated"]) == pytest.approx(_leaves(on_demand["models"][0]["estimated"]), abs=1e-12)


def _leaves(value: object, path: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        return {k: v for key, inner in value.items() for k, v in _leaves(inner, f"{path}.{key}").items()}
    return {path: value}


def test_openapi_documents_every_key_of_the_multiclass_estimate(fed) -> None:
    _, client, _, _, _ = fed
    document = client.get("/api/openapi.json").get_json()
    schema = document["paths"]["/api/model_performance"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    documented = schema["properties"]["models"]["items"]["properties"]["estimated"]
    (model,) = client.get("/api/model_performance?model=grades&window=24h").get_json()["models"]
    assert set(model["estimated"]) == set(documented["properties"])
    assert set(model["estimated"]["reconciliation"]) == set(documented["properties"]["reconciliation"]["properties"])


def test_the_estimator_error_rule_reads_the_multiclass_models_error(fed) -> None:
    app = fed[0]
    store = app.predwatch.runtime.store
    (stored,) = store.fetch_all(
        "t", "SELECT estimator_error FROM model_evaluations WHERE model = 'grades' AND window_seconds = 900"
    )
    observed = alert_metrics.current_values(store, api.windows.utcnow(), 60.0, [])[("estimator_error", 0.0)]
    assert [(o.subject, o.value) for o in observed] == [("model=grades", pytest.approx(stored[0]))]


def test_model_page_draws_the_multiclass_estimate_beside_the_realized_accuracy(fed) -> None:
    app = fed[0]
    stored = app.predwatch.runtime.store.fetch_all(
        "t", "SELECT est_labelled_accuracy FROM model_evaluations WHERE model = 'grades' AND window_seconds = 900"
    )
    response = call(app, ids.MODEL_ESTIMATE_GRAPH, {ids.RANGE: "24h", ids.MODEL_WINDOW: "15m", ids.MODEL_SELECT: "grades"})
    drawn = traces(response, ids.MODEL_ESTIMATE_GRAPH)
    assert "accuracy realized" in drawn
    assert values(drawn["accuracy estimated (labelled)"]["y"])[-1] == pytest.approx(stored[0][0], abs=1e-12)
