"""The demo's regression model: its task is recorded before its first prediction, outcomes (approved amounts)
arrive later through outcome_values, the evaluation job answers its figures, and concept drift raises its error."""

from __future__ import annotations

from datetime import timedelta

from data.clock import utcnow
from predictor.demo import DemoControls
from predictor.regression_demo import MODEL
from predictor.workload import WorkloadCollector
from tests.model_feed import evaluate


def run(app, workload: WorkloadCollector, passes: int, start) -> None:
    writer = app.predwatch.runtime.writer
    for k in range(passes):
        for table, rows in workload.collect(start + timedelta(seconds=k)).items():
            writer.enqueue_many(table, rows)
        writer.flush()


def mae(app) -> float:
    rows = app.predwatch.runtime.store.fetch_all(
        "t", "SELECT mae, labelled FROM model_evaluations WHERE model = ? AND status = 'ok' ORDER BY ts DESC LIMIT 1", [MODEL]
    )
    assert rows and rows[0][1] > 100
    return rows[0][0]


def test_the_demo_regression_model_is_answered_and_concept_drift_raises_its_error(app) -> None:
    service = app.server.extensions["predwatch.service"]
    controls = DemoControls()
    workload = WorkloadCollector(service, controls, rate=3000, labelled_share=1.0, label_delay=(0.1, 0.2), seed=3)
    store = app.predwatch.runtime.store
    start = utcnow() - timedelta(minutes=20)  # the drifted passes at now: rows received later than the profiles' mark
    run(app, workload, 4, start)
    assert store.fetch_all("t", "SELECT task FROM model_tasks WHERE model = ?", [MODEL]) == [("regression",)]
    labelled = store.fetch_one(
        "t", "SELECT count(*) FROM outcome_values v JOIN predictions p USING (id) WHERE p.model = ?", [MODEL]
    )
    assert labelled[0] > 100
    evaluate(app, {"15m": 900}, min_samples=50, now=start + timedelta(seconds=5))
    calm = mae(app)
    controls.set({"concept_drift": True})
    later = utcnow()
    run(app, workload, 4, later)
    evaluate(app, {"15m": 900}, min_samples=50, now=later + timedelta(seconds=5))
    assert mae(app) > 2 * calm


def test_its_predictions_count_on_metrics_like_the_classifiers(app) -> None:
    service = app.server.extensions["predwatch.service"]
    workload = WorkloadCollector(service, DemoControls(), rate=3000, seed=4)
    start = utcnow()
    run(app, workload, 3, start)
    stored = app.predwatch.runtime.store.fetch_one("t", "SELECT count(*) FROM predictions WHERE model = ?", [MODEL])[0]
    counted = service.metrics.total.labels(MODEL, "ok")._value.get()
    assert stored > 100 and counted == stored
