"""GET /api/model_performance and GET /api/drift on a real DuckDB after a real evaluation pass,
their errors, the OpenAPI entries and the /metrics gauges."""

from __future__ import annotations

import json

import pytest

from predictor.models import CHALLENGER, CHAMPION
from predictor.scenario import DRIFTED_FEATURES, Drift
from tests.model_feed import evaluate, feed


def _strict_json(response) -> dict:
    """Parse refusing NaN and Infinity, which are not JSON."""

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in JSON")

    return json.loads(response.get_data(as_text=True), parse_constant=refuse)


@pytest.fixture
def evaluated(app, client):
    feed(app, 1200, seed=11, drift=Drift(input=1.0))
    evaluate(app, {"15m": 900, "24h": 86400})
    return app, client


def test_empty_store_answers_with_empty_lists(client) -> None:
    body = _strict_json(client.get("/api/model_performance"))
    assert body["window"] == "15m"
    assert body["window_seconds"] == 900
    assert body["models"] == []
    drift = _strict_json(client.get("/api/drift"))
    assert drift["model"] is None
    assert drift["features"] == []
    assert drift["window"] == "recent"


def test_model_performance_has_metrics_sizes_curves_and_both_accuracies(evaluated) -> None:
    app, client = evaluated
    body = _strict_json(client.get("/api/model_performance?window=24h"))
    assert body["window_seconds"] == 86400
    by_model = {m["model"]: m for m in body["models"]}
    assert set(by_model) == {CHAMPION, CHALLENGER}
    stored = app.predwatch.runtime.store.fetch_dicts(
        "t", "SELECT model, auc, accuracy FROM model_evaluations WHERE window_seconds = 86400"
    )
    for row in stored:
        m = by_model[row["model"]]
        assert m["status"] == "ok"
        assert m["metrics"]["auc"] == row["auc"]
        assert m["accuracy"]["measured"] == row["accuracy"]
        assert m["sample_sizes"]["predictions"] == 1200
        assert 0 < m["sample_sizes"]["labelled"] < 1200
        assert m["accuracy"]["estimated"] is not None
        assert m["accuracy"]["reference"] is not None
        # AUC and AP come from binned scores, each with the bound of its distance from the exact value.
        assert 0 <= m["error_bounds"]["auc"] < 1e-3
        assert 0 <= m["error_bounds"]["average_precision"] < 1e-2
        assert sum(m["confusion_matrix"].values()) == m["sample_sizes"]["labelled"]
        roc = m["curves"]["roc"]
        assert roc[0] == {"x": 0.0, "y": 0.0, "threshold": None}
        assert roc[-1]["x"] == roc[-1]["y"] == 1.0
        assert m["curves"]["pr"]
        assert sum(p["count"] for p in m["curves"]["calibration"]) == m["sample_sizes"]["labelled"]


def test_model_filter_and_errors(evaluated) -> None:
    _, client = evaluated
    one = _strict_json(client.get(f"/api/model_performance?model={CHAMPION}"))
    assert [m["model"] for m in one["models"]] == [CHAMPION]
    missing = client.get("/api/model_performance?model=nope")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"
    assert CHAMPION in missing.get_json()["error"]["details"][0]["known"]
    for window in ("7x", "0d", "1.5h", "100000d", "7 d"):
        bad = client.get(f"/api/model_performance?window={window}")
        assert bad.status_code == 400, window
        assert bad.get_json()["error"]["details"][0]["allowed"] == ["15m", "24h"]
        assert client.get(f"/api/drift?window={window}").status_code == 400
    assert client.get("/api/model_performance?model=nope&window=7d").status_code == 404
    assert client.get("/api/drift?model=nope").status_code == 404
    assert client.get("/api/drift?model=" + "x" * 200).status_code == 400


def test_drift_ranks_features_by_impact_with_verdicts_and_score(evaluated) -> None:
    _, client = evaluated
    body = _strict_json(client.get(f"/api/drift?model={CHAMPION}&window=15m"))
    features = body["features"]
    assert [f["impact_rank"] for f in features] == list(range(1, 13))
    impacts = [f["impact"] for f in features]
    assert impacts == sorted(impacts, reverse=True)
    assert body["importance_method"] == "permutation"
    assert all(f["importance"] is not None for f in features)
    verdicts = {f["feature"]: f["verdict"] for f in features}
    assert all(verdicts[f] == "significant" for f in DRIFTED_FEATURES)
    assert verdicts["age"] == "none"
    assert body["score"]["feature"] == "__score__"
    assert body["score"]["psi"] > 0
    assert all(0 <= f["ks_pvalue"] <= 1 for f in features)
    assert all(f["ks_error_bound"] == 0.0 for f in features)  # KS from the profile bins is exact


def test_gauges_and_openapi(evaluated) -> None:
    _, client = evaluated
    text = client.get("/metrics").get_data(as_text=True)
    assert f'model_auc{{model="{CHAMPION}",window_seconds="900"}}' in text
    assert f'model_accuracy{{model="{CHALLENGER}",window_seconds="86400"}}' in text
    assert f'feature_psi{{feature="income",model="{CHAMPION}",window_seconds="5"}}' in text
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert {"/api/model_performance", "/api/drift"} <= set(paths)
