"""The scenario, the log-to-Arrow conversion, and the service's instrumentation."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from data.prediction_log import prediction_tables
from predictor.scenario import DRIFTED_FEATURES, FEATURES, Drift, Scenario

T0 = datetime(2026, 11, 27, 12)


def test_scenario_is_seeded_correlated_and_learnable() -> None:
    x1, y1 = Scenario().training_set(2000)
    x2, y2 = Scenario().training_set(2000)
    assert x1.equals(x2)
    assert (y1 == y2).all()
    assert list(x1.columns) == list(FEATURES)
    assert len(FEATURES) == 12
    assert 0.1 < y1.mean() < 0.4
    corr = np.corrcoef(x1.to_numpy().T)
    assert np.abs(corr[np.triu_indices(12, 1)]).max() > 0.3  # correlated, not independent columns
    assert roc_auc_score(y1, x1["debt_to_income"]) > 0.55


def test_input_drift_moves_the_drifted_features_only() -> None:
    scenario = Scenario()
    base, _ = scenario.sample(5000, np.random.default_rng(1))
    drifted, _ = scenario.sample(5000, np.random.default_rng(1), Drift(input=1.0))
    for name in FEATURES:
        moved = abs(drifted[name].median() - base[name].median()) > 1e-9
        assert moved == (name in DRIFTED_FEATURES), name


def test_prediction_tables_builds_both_tables_column_wise() -> None:
    records = [
        ("a", T0, "m", "1", 0.7, 1, 0.01, "ok", None, "builtin", T0, {"x": 1.0, "y": 2.0}),
        ("b", T0, "m", "1", None, None, 0.02, "error", "validation_error", "builtin", T0, None),
        ("c", T0, "n", "2", 0.1, 0, 0.03, "ok", None, "ingest", T0, {"x": 3.0}),
    ]
    tables = prediction_tables(records)
    assert tables["predictions"].column("id").to_pylist() == ["a", "b", "c"]
    features = tables["prediction_features"].to_pylist()
    assert [(f["id"], f["model"], f["feature"], f["value"]) for f in features] == [
        ("a", "m", "x", 1.0),
        ("a", "m", "y", 2.0),
        ("c", "n", "x", 3.0),
    ]
    assert all(f["ts"] == T0 for f in features)
    assert set(prediction_tables(records[1:2])) == {"predictions"}
    assert prediction_tables([]) == {}


def test_service_counts_and_enqueues_without_touching_the_store(app) -> None:
    service = app.server.extensions["predwatch.service"]
    writer = app.predwatch.runtime.writer
    x, _ = Scenario().sample(3, np.random.default_rng(0))
    results = service.predict_many(x.to_dict("records"), "credit-logreg")
    assert len({r.id for r in results}) == 3
    assert writer.queue_length == 3
    assert app.predwatch.runtime.store.fetch_one("t", "SELECT count(*) FROM predictions")[0] == 0
    writer.flush()
    assert app.predwatch.runtime.store.fetch_one("t", "SELECT count(*) FROM prediction_features")[0] == 36
    registry = app.predwatch.runtime.telemetry.registry
    assert registry.get_sample_value("predictions_total", {"model": "credit-logreg", "status": "ok"}) == 3
    assert registry.get_sample_value("model_prediction_latency_seconds_count", {"model": "credit-logreg"}) == 1


def test_unknown_model_is_counted_under_one_label(app) -> None:
    from predictor.service import PredictionError

    service = app.server.extensions["predwatch.service"]
    for name in ("a", "b", "c"):
        with pytest.raises(PredictionError):
            service.predict({}, name)
    registry = app.predwatch.runtime.telemetry.registry
    assert registry.get_sample_value("predictions_total", {"model": "unknown", "status": "error"}) == 3
