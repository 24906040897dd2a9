"""The evaluation job on a real DuckDB: stored figures equal the pure functions' (and scikit-learn's)
on the same rows, gates hold, references are stored, and an ingested model gets its own reference."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from scipy.stats import ks_2samp
from sklearn.metrics import average_precision_score, roc_auc_score

from analytics import binned_quality as bq
from analytics import drift as da
from analytics import quality as qa
from collectors.evaluation import EvaluationCollector
from data.clock import utcnow
from data.queries import profile_reads as pr
from data.queries import quality as q
from predictor.models import CHALLENGER, CHAMPION
from predictor.scenario import Drift
from tests.model_feed import feed

WINDOW = 900


def _run(runtime, collector, now) -> dict:
    out = collector.collect(now)
    for table, rows in out.items():
        runtime.writer.enqueue_many(table, rows)
    runtime.writer.flush()
    return out


@pytest.fixture
def parts(app):
    runtime = app.predwatch.runtime
    service = app.server.extensions["predwatch.service"]
    collector = EvaluationCollector(
        runtime.store,
        runtime.writer,
        runtime.telemetry.quality,
        service.models,
        interval=5,
        windows={"15m": WINDOW},
        min_samples=100,
    )
    return app, runtime, service, collector


def test_stored_quality_equals_the_pure_functions_and_sklearn(parts) -> None:
    app, runtime, service, collector = parts
    feed(app, 1500, seed=3)
    now = utcnow() + timedelta(seconds=1)
    _run(runtime, collector, now)
    store = runtime.store
    for model in (CHAMPION, CHALLENGER):
        stored = store.fetch_dicts(
            "t", "SELECT * FROM model_evaluations WHERE model = ? AND window_seconds = ?", [model, WINDOW]
        )[0]
        rows = np.array(q.labelled_rows(store, model, now - timedelta(seconds=WINDOW), now), dtype=float)
        scores, predicted, labels = rows[:, 0], rows[:, 1], rows[:, 2]
        matrix = qa.confusion(predicted, labels)
        assert stored["status"] == "ok"
        assert stored["labelled"] == len(rows)
        assert stored["predictions"] == 1500
        # AUC and AP come from 10,000 score bins, each within the bound stored beside it.
        assert abs(stored["auc"] - roc_auc_score(labels, scores)) <= stored["auc_error_bound"] + 1e-12
        assert abs(stored["average_precision"] - average_precision_score(labels, scores)) <= stored["ap_error_bound"] + 1e-12
        assert stored["auc_error_bound"] < 1e-3
        assert stored["ap_error_bound"] < 1e-2
        for key in ("precision", "recall", "f1", "accuracy"):
            assert stored[key] == pytest.approx(getattr(matrix, key), abs=1e-12), key
        assert (stored["tp"], stored["fp"], stored["tn"], stored["fn"]) == (matrix.tp, matrix.fp, matrix.tn, matrix.fn)
        assert stored["brier"] == pytest.approx(qa.calibration(scores, labels).brier, abs=1e-9)
        assert stored["labelled_share"] == pytest.approx(len(rows) / 1500)
        unlabelled = store.fetch_all(
            "t", "SELECT p.score FROM predictions p ANTI JOIN outcomes o ON o.id = p.id WHERE p.model = ?", [model]
        )
        assert stored["estimated_accuracy"] == pytest.approx(
            qa.estimated_accuracy(np.array([r[0] for r in unlabelled])), abs=1e-12
        )
        assert 0.5 < stored["reference_accuracy"] <= 1
        assert stored["accuracy_drop"] is not None
    curves = store.fetch_all("t", "SELECT DISTINCT model, curve FROM model_curves")
    assert {c for _, c in curves} == {"roc", "pr", "calibration"}


def test_stored_drift_equals_numpy_psi_and_ks_within_its_bound(parts) -> None:
    app, runtime, service, collector = parts
    feed(app, 800, seed=4, drift=Drift(input=1.0))
    now = utcnow() + timedelta(seconds=1)
    _run(runtime, collector, now)
    store = runtime.store
    drift = {
        r["feature"]: r
        for r in store.fetch_dicts("t", "SELECT * FROM feature_drift WHERE model = ? AND window_seconds = ?", [CHAMPION, WINDOW])
    }
    for feature in ("income", "age", "__score__"):
        ref = np.array(
            [
                r[0]
                for r in store.fetch_all(
                    "t", "SELECT value FROM model_reference WHERE model = ? AND feature = ?", [CHAMPION, feature]
                )
            ]
        )
        source = (
            "SELECT score FROM predictions WHERE model = ? AND status = 'ok'"
            if feature == "__score__"
            else "SELECT value FROM prediction_features WHERE model = ? AND feature = ?"
        )
        cur = np.array([r[0] for r in store.fetch_all("t", source, [CHAMPION] + ([] if feature == "__score__" else [feature]))])
        row = drift[feature]
        assert (row["reference_count"], row["current_count"]) == (len(ref), len(cur)) == (5000, 800)
        assert row["psi"] == pytest.approx(da.psi(ref, cur), abs=1e-9)
        scipy = ks_2samp(ref, cur)
        assert abs(row["ks_statistic"] - scipy.statistic) <= row["ks_error_bound"] + 1e-12
        assert row["ks_pvalue"] == pytest.approx(scipy.pvalue, abs=0.01)
    assert drift["income"]["verdict"] == "significant"
    assert drift["age"]["verdict"] == "none"


def test_one_pass_reads_one_snapshot_for_every_model_and_answer(parts) -> None:
    """Rows stored after a pass's cutoff reach no model of that pass; a pass's curves hold exactly the
    labelled rows of the counts beside them."""
    app, runtime, service, collector = parts
    feed(app, 600, seed=6)
    now = utcnow() + timedelta(seconds=1)
    out = collector.collect(now)
    first = {r[1]: r for r in out["model_evaluations"]}
    feed(app, 300, seed=7)  # lands after the pass: the stored profiles and the pass's figures do not move
    for model in (CHAMPION, CHALLENGER):
        sums = bq.summary(bq.ScoreBins(**pr.score_bins(runtime.store, model, *pr.window_minutes(now, WINDOW))[0]))
        assert first[model][4] == sums["predictions"] == 600
        assert first[model][5] == sums["labelled"]
        calibration = [r for r in out["model_curves"] if r[1] == model and r[3] == "calibration"]
        assert sum(r[8] for r in calibration) == first[model][5]
    later = {r[1]: r for r in collector.collect(utcnow() + timedelta(seconds=1))["model_evaluations"]}
    assert all(later[m][4] == 900 for m in (CHAMPION, CHALLENGER))


def test_gates_report_insufficient_data(parts) -> None:
    app, runtime, service, collector = parts
    feed(app, 40, seed=5)
    _run(runtime, collector, utcnow() + timedelta(seconds=1))
    evaluation = runtime.store.fetch_dicts("t", "SELECT * FROM model_evaluations WHERE model = ?", [CHAMPION])[0]
    assert evaluation["status"] == "insufficient_data"
    assert evaluation["auc"] is None
    assert evaluation["accuracy"] is None
    assert evaluation["labelled"] > 0
    verdicts = {r[0] for r in runtime.store.fetch_all("t", "SELECT DISTINCT verdict FROM feature_drift")}
    assert verdicts == {"insufficient_data"}


def test_an_ingested_model_gets_its_first_labelled_predictions_as_reference(client, parts) -> None:
    _app, runtime, _service, _ = parts
    collector = EvaluationCollector(
        runtime.store,
        runtime.writer,
        runtime.telemetry.quality,
        {},
        interval=5,
        windows={"15m": WINDOW},
        min_samples=10,
        external_reference_rows=30,
    )
    logs = [{"id": f"x{i}", "model": "ext", "score": (i % 10) / 10, "features": {"a": float(i)}} for i in range(40)]
    assert client.post("/api/predictions", json={"predictions": logs}).status_code == 200
    outcomes = [{"id": f"x{i}", "label": i % 2} for i in range(40)]
    assert client.post("/api/outcomes", json={"outcomes": outcomes}).status_code == 200
    _run(runtime, collector, utcnow() + timedelta(seconds=1))
    counts = dict(runtime.store.fetch_all("t", "SELECT feature, count(*) FROM model_reference WHERE model = 'ext' GROUP BY 1"))
    assert counts == {"a": 30, "__score__": 30, "__label__": 30, "__predicted__": 30}
    assert runtime.store.fetch_one("t", "SELECT count(*) FROM feature_drift WHERE model = 'ext'")[0] > 0
    # its calibration map too, fitted on those 30 rows: the positive rate per score group, monotone
    groups = runtime.store.fetch_all("t", "SELECT p, n FROM model_reference_calibration WHERE model = 'ext' ORDER BY grp")
    assert sum(n for _, n in groups) == 30
    assert [p for p, _ in groups] == sorted(p for p, _ in groups)


def test_a_changed_reference_drops_its_calibration_map(parts) -> None:
    app, runtime, _service, collector = parts
    feed(app, 300, seed=5)
    _run(runtime, collector, utcnow() + timedelta(seconds=1))
    assert runtime.store.fetch_one("t", "SELECT count(*) FROM model_reference_calibration WHERE model = ?", [CHAMPION])[0] > 0
    q.drop_reference(runtime.store, CHAMPION)
    assert runtime.store.fetch_one("t", "SELECT count(*) FROM model_reference_calibration WHERE model = ?", [CHAMPION])[0] == 0
