"""The regression and multiclass fleet counters on /metrics, from a real DuckDB fed through the API and real
evaluation passes (labels arriving in two rounds, so re-profiled minutes replace what they added): the |error|
histogram, its sum and the squared-error sum equal NumPy on the raw rows; the per-class counts equal the raw
rows' with classes beyond the first 10 folded into __other__; the fleet rules' macro F1 from them equals
scikit-learn's."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sklearn.metrics import f1_score

from data.clock import utcnow
from data.queries.fleet_task_counts import DECADES
from data.queries.multiclass import OTHER
from data.retention import RetentionPolicy, run_pass
from telemetry.fleet import ERROR_LE
from tests.api.test_task_alert_metrics import _stamp
from tests.model_feed import evaluate

WIDE = [f"c{i:02d}" for i in range(12)]  # 12 classes: the first 10 seen are named, c10 and c11 fold


def _post(client, path: str, body: dict) -> None:
    answer = client.post(path, json=body)
    assert answer.status_code == 200, answer.get_json()


def _outcomes(client, ids: list[str], labels: list[object]) -> None:
    _post(client, "/api/outcomes", {"outcomes": [{"id": i, "label": y} for i, y in zip(ids, labels, strict=True)]})


@pytest.fixture
def scraped(app, client) -> dict:
    rng, now = np.random.default_rng(11), utcnow().replace(microsecond=0)
    stamp = _stamp(now - timedelta(minutes=3))
    labels = np.round(rng.uniform(-500, 5000, 600), 2)
    predictions = labels + rng.normal(0, 1, 600) * 10.0 ** rng.integers(-2, 4, 600)
    rows = [{"id": f"r{i}", "model": "amount", "timestamp": stamp, "prediction": float(p)} for i, p in enumerate(predictions)]
    _post(client, "/api/predictions", {"task": "regression", "predictions": rows})
    classes = {"grade": ["A", "B", "C", "D"], "wide": WIDE}
    fed = {}
    for model, names in classes.items():
        truth = np.array(names)[rng.integers(0, len(names), 500)]
        predicted = np.where(rng.random(500) < 0.5, truth, np.array(names)[rng.integers(0, len(names), 500)])
        predicted[: len(names)] = names  # the classes first seen in this order
        rows = [
            {"id": f"{model}{i}", "model": model, "timestamp": stamp, "predicted_label": str(p)} for i, p in enumerate(predicted)
        ]
        _post(client, "/api/predictions", {"task": "multiclass", "predictions": rows})
        fed[model] = (truth, predicted)
    # labels in two rounds, each followed by an evaluation pass: the second re-profiles the same minutes
    for half in (slice(0, 300), slice(300, None)):
        _outcomes(client, [f"r{i}" for i in range(600)][half], labels[half].tolist())
        for model, (truth, _) in fed.items():
            _outcomes(client, [f"{model}{i}" for i in range(500)][half], truth[half].tolist())
        evaluate(app, {"15m": 900}, min_samples=10, now=utcnow() + timedelta(seconds=1))
    samples = {}
    for family in text_string_to_metric_families(client.get("/metrics").get_data(as_text=True)):
        for s in family.samples:
            samples[s.name, tuple(sorted(s.labels.items()))] = s.value
    return {"samples": samples, "errors": predictions - labels, "classes": fed}


def _value(scraped: dict, name: str, **labels: str) -> float:
    return scraped["samples"][name, tuple(sorted(labels.items()))]


def test_the_regression_histogram_and_sums_equal_numpy_on_the_raw_rows(scraped: dict) -> None:
    errors = scraped["errors"]
    assert _value(scraped, "model_regression_abs_error_count", model="amount") == len(errors)
    assert _value(scraped, "model_regression_abs_error_sum", model="amount") == pytest.approx(np.abs(errors).sum(), rel=1e-9)
    squared = _value(scraped, "model_regression_squared_error_total", model="amount")
    assert squared == pytest.approx(np.square(errors).sum(), rel=1e-9)
    decades = dict(zip(DECADES, ERROR_LE, strict=False))  # le as the exposition writes it (1e+06)
    buckets = {d: _value(scraped, "model_regression_abs_error_bucket", model="amount", le=le) for d, le in decades.items()}
    assert buckets == {d: float(np.sum(np.abs(errors) < 10.0**d)) for d in decades}
    assert 0 < buckets[0] < buckets[2] < len(errors)  # the errors span several decades


def test_the_class_counts_equal_the_raw_rows_with_the_classes_beyond_ten_folded(scraped: dict) -> None:
    truth, predicted = scraped["classes"]["wide"]
    fold = np.vectorize(lambda c: c if c in WIDE[:10] else OTHER)
    for name in [*WIDE[:10], OTHER]:
        want = {
            "true": np.sum(fold(truth) == name),
            "predicted": np.sum(fold(predicted) == name),
            "correct": np.sum((truth == predicted) & (fold(truth) == name)),
        }
        got = {
            kind: _value(scraped, "model_class_labelled_total", model="wide", **{"class": name, "kind": kind}) for kind in want
        }
        assert got == {k: float(v) for k, v in want.items()}, name
    assert not any(key[0] == "model_class_labelled_total" and ("class", "c10") in key[1] for key in scraped["samples"])


def test_the_fleet_rules_macro_f1_from_the_counters_equals_scikit_learn(scraped: dict) -> None:
    truth, predicted = scraped["classes"]["grade"]
    f1 = []
    for name in "ABCD":
        count = {
            k: _value(scraped, "model_class_labelled_total", model="grade", **{"class": name, "kind": k})
            for k in ("true", "predicted", "correct")
        }
        f1.append(2 * count["correct"] / (count["true"] + count["predicted"]))  # as model_class:f1:fleet1h
    assert np.mean(f1) == pytest.approx(f1_score(truth, predicted, average="macro"), abs=1e-12)


def test_the_counters_stay_when_retention_deletes_the_minutes_they_came_from(app, client, scraped: dict) -> None:
    store = app.predwatch.runtime.store
    run_pass(store, RetentionPolicy(predictions_days=1.0), utcnow() + timedelta(days=2))  # every row and minute deleted
    assert store.fetch_one("t", "SELECT count(*) FROM regression_profile")[0] == 0
    evaluate(app, {"15m": 900}, min_samples=10, now=utcnow() + timedelta(seconds=2))
    again = {}
    for family in text_string_to_metric_families(client.get("/metrics").get_data(as_text=True)):
        for s in family.samples:
            if s.name.startswith(("model_regression_", "model_class_")):
                again[s.name, tuple(sorted(s.labels.items()))] = s.value
    assert len(again) > 40
    assert again == {key: scraped["samples"][key] for key in again}
