"""The demo's multiclass model: its task and classes are recorded with its first predictions, each with its
five probabilities; true grades arrive later as class names, the evaluation job answers its figures (accuracy
checked against scikit-learn on the stored rows), concept drift lowers its accuracy, and it counts on /metrics."""

from __future__ import annotations

from datetime import timedelta

from sklearn.metrics import accuracy_score

from data.clock import utcnow
from predictor.demo import DemoControls
from predictor.multiclass_demo import CLASSES, MODEL
from predictor.workload import WorkloadCollector
from tests.model_feed import evaluate


def run(app, workload: WorkloadCollector, passes: int, start) -> None:
    writer = app.predwatch.runtime.writer
    for k in range(passes):
        for table, rows in workload.collect(start + timedelta(seconds=k)).items():
            writer.enqueue_many(table, rows)
        writer.flush()


def workload(app, models_dir, controls: DemoControls, seed: int) -> WorkloadCollector:
    service = app.server.extensions["predwatch.service"]
    return WorkloadCollector(
        service, controls, rate=3000, labelled_share=1.0, label_delay=(0.1, 0.2), seed=seed, models_dir=models_dir
    )


def newest_accuracy(app) -> float:
    rows = app.predwatch.runtime.store.fetch_all(
        "t", "SELECT micro_f1 FROM multiclass_evaluations WHERE model = ? ORDER BY ts DESC LIMIT 1", [MODEL]
    )
    assert rows
    return rows[0][0]


def stored_accuracy(app, since) -> float:
    rows = app.predwatch.runtime.store.fetch_all(
        "t",
        "SELECT c.predicted, oc.label FROM prediction_classes c JOIN outcome_classes oc USING (id) "
        "WHERE c.model = ? AND c.ts >= ?",
        [MODEL, since],
    )
    assert len(rows) > 100
    return float(accuracy_score([r[1] for r in rows], [r[0] for r in rows]))


def test_task_classes_and_probabilities_are_stored_with_the_predictions(app, models_dir) -> None:
    store = app.predwatch.runtime.store
    run(app, workload(app, models_dir, DemoControls(), seed=5), 3, utcnow())
    assert store.fetch_all("t", "SELECT task FROM model_tasks WHERE model = ?", [MODEL]) == [("multiclass",)]
    classes = store.fetch_all("t", "SELECT class FROM model_classes WHERE model = ? ORDER BY class", [MODEL])
    assert [c[0] for c in classes] == list(CLASSES)
    per_row = store.fetch_all(
        "t", "SELECT count(*), round(sum(p), 9) FROM prediction_probabilities WHERE model = ? GROUP BY id", [MODEL]
    )
    assert set(per_row) == {(5, 1.0)}


def test_the_demo_multiclass_model_is_answered_and_concept_drift_lowers_its_accuracy(app, models_dir) -> None:
    controls = DemoControls()
    demo = workload(app, models_dir, controls, seed=6)
    start = utcnow() - timedelta(minutes=20)  # the drifted passes at now: rows received later than the profiles' mark
    run(app, demo, 4, start)
    evaluate(app, {"15m": 900}, min_samples=50, now=start + timedelta(seconds=5))
    calm = newest_accuracy(app)
    assert abs(calm - stored_accuracy(app, start)) < 1e-9
    controls.set({"concept_drift": True})
    later = utcnow()
    run(app, demo, 4, later)
    evaluate(app, {"15m": 900}, min_samples=50, now=later + timedelta(seconds=5))
    assert newest_accuracy(app) < calm - 0.15


def test_its_predictions_count_on_metrics_like_the_classifiers(app, models_dir) -> None:
    service = app.server.extensions["predwatch.service"]
    demo = workload(app, models_dir, DemoControls(), seed=7)
    start = utcnow()
    run(app, demo, 3, start)
    demo.grades.store_due(start + timedelta(seconds=3), force=True)
    stored = app.predwatch.runtime.store.fetch_one("t", "SELECT count(*) FROM predictions WHERE model = ?", [MODEL])[0]
    counted = service.metrics.total.labels(MODEL, "ok")._value.get()
    assert stored > 100
    assert counted == stored


def test_input_drift_moves_its_predicted_grades_and_their_drift_is_found(app, models_dir) -> None:
    """Input drift (lower incomes, higher utilisation and rates) shifts its predicted grades towards D and E."""
    controls = DemoControls()
    demo = workload(app, models_dir, controls, seed=8)
    start = utcnow() - timedelta(minutes=20)
    run(app, demo, 20, start)  # over 2,000 labelled rows (150-300 a pass): its class reference freezes from those
    evaluate(app, {"15m": 900}, min_samples=50, now=start + timedelta(seconds=21))
    controls.set({"input_drift": True})
    later = utcnow()
    run(app, demo, 4, later)
    evaluate(app, {"15m": 900}, min_samples=50, now=later + timedelta(seconds=5))
    rows = app.predwatch.runtime.store.fetch_all(
        "t", "SELECT psi, verdict FROM multiclass_class_drift WHERE model = ? AND side = 'prediction' ORDER BY ts", [MODEL]
    )
    assert len(rows) == 2
    assert rows[0][0] < 0.1  # the calm window against the reference frozen from its own first rows
    assert rows[1][0] > 0.25
    assert rows[1][1] == "significant"


def test_it_is_trained_on_its_first_request_not_when_the_workload_is_built(app, tmp_path) -> None:
    folder = tmp_path / "fresh-models"
    demo = workload(app, folder, DemoControls(), seed=9)
    assert demo.grades.model is None
    assert not list(folder.glob("*.joblib"))
    run(app, demo, 1, utcnow())
    assert [p.name for p in folder.glob("*.joblib")] == [f"{MODEL}-v1.joblib"]
