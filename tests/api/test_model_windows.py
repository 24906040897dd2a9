"""Windows answered on demand from the profiles (api/windows.py): the same figures as the evaluation job
stored for the same window, any length from a minute, one snapshot per answer, and the OpenAPI entry."""

from __future__ import annotations

from datetime import timedelta

import pytest

import api.windows
from data.clock import utcnow
from predictor.models import CHALLENGER, CHAMPION
from predictor.scenario import Drift
from tests.model_feed import evaluate, feed


@pytest.fixture
def evaluated(make_app, monkeypatch):
    # One pinned clock for the rows, the pass and the routes: a 1-minute window is its now's minute only, so
    # rows stamped by the wall clock fell outside it when a minute turned between feeding and asking.
    now = utcnow().replace(second=20, microsecond=0) - timedelta(minutes=5)
    monkeypatch.setattr(api.windows, "utcnow", lambda: now + timedelta(seconds=10))
    app = make_app(min_eval_samples=100)
    feed(app, 1200, seed=12, drift=Drift(input=1.0), at=now)
    evaluate(app, {"15m": 900, "24h": 86400}, now=now + timedelta(seconds=1))
    return app, app.server.test_client()


def test_an_on_demand_window_equals_the_stored_one_of_the_same_length(evaluated) -> None:
    _, client = evaluated
    stored = client.get("/api/model_performance?window=24h").get_json()
    again = client.get("/api/model_performance?window=1440m").get_json()
    assert stored["source"] == "evaluation"
    assert again["source"] == "profiles"
    assert again["window_seconds"] == stored["window_seconds"] == 86400
    by_model = {m["model"]: m for m in again["models"]}
    assert set(by_model) == {CHAMPION, CHALLENGER}
    for m in stored["models"]:
        other = by_model[m["model"]]
        for key in ("status", "sample_sizes", "metrics", "error_bounds", "accuracy", "confusion_matrix", "curves"):
            assert other[key] == m[key], (m["model"], key)
    drift = client.get(f"/api/drift?model={CHAMPION}&window=24h").get_json()
    drift_again = client.get(f"/api/drift?model={CHAMPION}&window=24h".replace("24h", "1d")).get_json()
    assert drift_again["source"] == "profiles"
    assert drift_again["features"] == drift["features"]
    assert drift_again["score"] == drift["score"]


@pytest.mark.parametrize("window", ["1m", "90m", "7d", "30d", "400d"])
def test_any_length_is_answered(evaluated, window: str) -> None:
    _, client = evaluated
    body = client.get(f"/api/model_performance?window={window}&model={CHAMPION}").get_json()
    assert body["source"] == "profiles"
    assert body["window"] == window
    [model] = body["models"]
    assert model["sample_sizes"]["predictions"] == 1200  # every row is inside a minute and up
    drift = client.get(f"/api/drift?window={window}&model={CHAMPION}").get_json()
    assert len(drift["features"]) == 12
    assert all(f["current_count"] == 1200 for f in drift["features"])


def test_a_model_without_a_reference_has_no_on_demand_drift(make_app) -> None:
    app = make_app()
    client = app.server.test_client()
    assert client.get("/api/drift?window=7d").get_json()["features"] == []
    assert client.get("/api/drift?window=7d&model=nope").status_code == 404


def test_the_openapi_document_states_both_forms(evaluated) -> None:
    _, client = evaluated
    doc = client.get("/api/openapi.json").get_json()
    for path in ("/api/model_performance", "/api/drift"):
        [param] = [p for p in doc["paths"][path]["get"]["parameters"] if p["name"] == "window"]
        forms = param["schema"]["anyOf"]
        assert "15m" in forms[0]["enum"]
        assert forms[1]["pattern"] == "^[1-9][0-9]{0,4}[mhd]$"
