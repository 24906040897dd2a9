"""GET /api/model_performance's `estimated` object after a real evaluation pass on a real DuckDB: the
calibration map fitted on the stored reference (PAV monotone), the estimate equal to NumPy over the raw
rows mapped through it, the reconciliation's realized figures the window's own, the stored window and the
on-demand one the same, the OpenAPI document describing it, and the Model page's chart drawing it."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard import ids
from data.clock import utcnow
from predictor.models import CHAMPION
from predictor.scenario import Drift
from tests.model_feed import evaluate, feed
from tests.unit.analytics.test_binned_quality import score_bin
from tests.unit.test_compare_callbacks import call, traces


@pytest.fixture
def evaluated(app, client):
    feed(app, 1500, seed=21, drift=Drift())
    evaluate(app, {"15m": 900, "24h": 86400}, now=utcnow())  # not a second ahead: the charts read up to now
    return app, client


def _raw(app) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The champion's scores, predicted labels and labels (-1: none) as stored."""
    rows = app.predwatch.runtime.store.fetch_all(
        "t",
        "SELECT p.score, p.predicted_label, coalesce(o.label, -1) FROM predictions p LEFT JOIN outcomes o ON o.id = p.id "
        "WHERE p.model = ? AND p.status = 'ok' AND p.score IS NOT NULL",
        [CHAMPION],
    )
    data = np.array(rows, dtype=float)
    return data[:, 0], data[:, 1], data[:, 2]


def _map(app) -> tuple[np.ndarray, np.ndarray]:
    rows = app.predwatch.runtime.store.fetch_all(
        "t", "SELECT lo_bin, p FROM model_reference_calibration WHERE model = ? ORDER BY grp", [CHAMPION]
    )
    return np.array([r[0] for r in rows]), np.array([r[1] for r in rows])


def test_the_map_is_stored_with_the_reference_and_monotone(evaluated) -> None:
    app, _ = evaluated
    lo, p = _map(app)
    assert len(p) >= 5
    assert np.all(np.diff(p) >= 0)
    assert np.all(np.diff(lo) > 0)


def test_estimate_equals_numpy_on_the_raw_rows(evaluated) -> None:
    app, client = evaluated
    body = client.get(f"/api/model_performance?model={CHAMPION}&window=15m").get_json()
    found = body["models"][0]["estimated"]
    scores, predicted, labels = _raw(app)
    lo, rate = _map(app)
    p = rate[np.clip(np.searchsorted(lo, score_bin(scores), side="right") - 1, 0, len(lo) - 1)]
    hit = predicted == 1
    assert found["metrics"]["accuracy"] == pytest.approx(np.mean(np.where(hit, p, 1 - p)), rel=1e-9)
    assert found["confusion_matrix"]["tp"] == pytest.approx(p[hit].sum(), rel=1e-9)
    assert found["metrics"]["precision"] == pytest.approx(p[hit].mean(), rel=1e-9)
    assert found["metrics"]["recall"] == pytest.approx(p[hit].sum() / p.sum(), rel=1e-9)
    labelled = labels >= 0
    accuracy = found["reconciliation"]["figures"]["accuracy"]
    assert accuracy["estimated"] == pytest.approx(np.mean(np.where(hit, p, 1 - p)[labelled]), rel=1e-9)
    assert accuracy["realized"] == pytest.approx(np.mean((labels == predicted)[labelled]), rel=1e-9)
    assert accuracy["error"] == pytest.approx(accuracy["realized"] - accuracy["estimated"], abs=1e-12)


def test_standard_errors_and_the_estimators_error(evaluated) -> None:
    _, client = evaluated
    found = client.get(f"/api/model_performance?model={CHAMPION}&window=15m").get_json()["models"][0]["estimated"]
    assert all(0 < se < 0.1 for se in found["standard_errors"].values()), found["standard_errors"]
    auc = found["reconciliation"]["figures"]["auc"]
    largest = max(
        abs(f["error"]) / f["standard_error"] for f in found["reconciliation"]["figures"].values() if f["error"] is not None
    )
    assert found["reconciliation"]["error_in_standard_errors"] == pytest.approx(largest, rel=1e-9)
    assert auc["realized"] is not None


def test_on_demand_window_equals_the_stored_one(evaluated) -> None:
    _, client = evaluated
    stored = client.get(f"/api/model_performance?model={CHAMPION}&window=24h").get_json()
    on_demand = client.get(f"/api/model_performance?model={CHAMPION}&window=1440m").get_json()
    assert on_demand["source"] == "profiles"
    assert on_demand["models"][0]["estimated"]["metrics"] == stored["models"][0]["estimated"]["metrics"]


def test_openapi_documents_the_estimated_object(client) -> None:
    document = client.get("/api/openapi.json").get_json()
    schema = document["paths"]["/api/model_performance"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    item = schema["properties"]["models"]["items"]["properties"]
    assert set(item["estimated"]["properties"]) == {"metrics", "standard_errors", "confusion_matrix", "rows", "reconciliation"}


def test_model_page_draws_estimated_vs_realized_from_the_stored_evaluations(evaluated) -> None:
    app, _ = evaluated
    response = call(app, ids.MODEL_ESTIMATE_GRAPH, {ids.RANGE: "1h", ids.MODEL_WINDOW: "15m", ids.MODEL_SELECT: CHAMPION})
    names = set(traces(response, ids.MODEL_ESTIMATE_GRAPH))
    assert {"accuracy realized", "accuracy estimated (labelled)", "AUC estimated (labelled) ±2 SE"} <= names
