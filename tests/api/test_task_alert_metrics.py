"""The regression and multiclass alert metrics on a real DuckDB fed through the API, after a real evaluation
pass: mae, rmse_ratio_to_reference and macro_f1_drop equal scikit-learn's figures on the raw rows (the window's,
and the model's first 2,000 labelled rows for the reference); a model of another task, or one without a
reference yet, has no value (no data, never 0)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import pytest
from sklearn.metrics import f1_score, mean_absolute_error, mean_squared_error

from data.clock import utcnow
from data.queries import alert_metrics, task_reference
from tests.model_feed import evaluate

REFERENCE, WINDOW = task_reference.REFERENCE_ROWS, 300
CLASSES = np.array(["A", "B", "C", "D"])


def _stamp(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds") + "Z"


def _send(client, task: str, rows: list[dict], labels: list[object]) -> None:
    for start in range(0, len(rows), 5000):
        body = {"task": task, "predictions": rows[start : start + 5000]}
        assert client.post("/api/predictions", json=body).status_code == 200
    outcomes = [{"id": r["id"], "label": y} for r, y in zip(rows, labels, strict=True)]
    assert (
        client.post("/api/outcomes", data=json.dumps({"outcomes": outcomes}), content_type="application/json").status_code == 200
    )


def _times(now: datetime, n: int, first: int = REFERENCE) -> list[datetime]:
    """The `first` rows half an hour back (outside the 5-minute window), then the window's rows 2 minutes back."""
    return [now - timedelta(minutes=30, seconds=-i / 100) if i < first else now - timedelta(minutes=2) for i in range(n)]


def _regression(
    client, rng: np.random.Generator, model: str, n: int, now: datetime, first: int = REFERENCE
) -> tuple[np.ndarray, np.ndarray]:
    labels = np.round(rng.uniform(100, 1000, n), 3)
    noise = np.where(np.arange(n) < REFERENCE, 10.0, 40.0)  # the window's errors are larger
    predictions = labels + rng.normal(0, 1, n) * noise
    stamps = _times(now, n, first)
    rows = [
        {"id": f"{model}-{i}", "model": model, "timestamp": _stamp(t), "prediction": float(p)}
        for i, (t, p) in enumerate(zip(stamps, predictions, strict=True))
    ]
    _send(client, "regression", rows, labels.tolist())
    return labels, predictions


def _multiclass(client, rng: np.random.Generator, n: int, now: datetime) -> tuple[np.ndarray, np.ndarray]:
    truth = CLASSES[rng.integers(0, 4, n)]
    right = rng.random(n) < np.where(np.arange(n) < REFERENCE, 0.9, 0.6)
    predicted = np.where(right, truth, CLASSES[rng.integers(0, 4, n)])
    rows = [
        {"id": f"g-{i}", "model": "grade", "timestamp": _stamp(t), "predicted_label": str(p)}
        for i, (t, p) in enumerate(zip(_times(now, n), predicted, strict=True))
    ]
    _send(client, "multiclass", rows, truth.tolist())
    return truth, predicted


@pytest.fixture
def values(app, client) -> dict:
    rng, now = np.random.default_rng(7), utcnow().replace(microsecond=0)
    fed = {
        "amount": _regression(client, rng, "amount", REFERENCE + WINDOW, now),
        "young": _regression(client, rng, "young", 200, now, first=0),  # too few labelled rows for a reference
        "grade": _multiclass(client, rng, REFERENCE + WINDOW, now),
    }
    evaluate(app, {"5m": 300}, min_samples=50, now=now + timedelta(seconds=1))
    found = alert_metrics.current_values(app.predwatch.runtime.store, now + timedelta(seconds=2), 60, [300])
    return {"fed": fed, "found": {m: {o.subject: o for o in found[m, 0.0]} for m in alert_metrics.TASK_VALUES}}


def test_mae_and_the_rmse_ratio_equal_scikit_learn_on_the_raw_rows(values: dict) -> None:
    labels, predictions = values["fed"]["amount"]
    window, first = slice(REFERENCE, None), slice(0, REFERENCE)
    mae = values["found"]["mae"]["model=amount"]
    assert mae.value == pytest.approx(mean_absolute_error(labels[window], predictions[window]), rel=1e-9)
    assert mae.samples == WINDOW
    ratio = values["found"]["rmse_ratio_to_reference"]["model=amount"].value
    want = np.sqrt(mean_squared_error(labels[window], predictions[window])) / np.sqrt(
        mean_squared_error(labels[first], predictions[first])
    )
    assert ratio == pytest.approx(want, rel=1e-9)
    assert ratio > 2  # the window's errors are four times the reference's


def test_the_macro_f1_drop_equals_scikit_learn_on_the_raw_rows(values: dict) -> None:
    truth, predicted = values["fed"]["grade"]
    reference = f1_score(truth[:REFERENCE], predicted[:REFERENCE], average="macro")
    current = f1_score(truth[REFERENCE:], predicted[REFERENCE:], average="macro")
    drop = values["found"]["macro_f1_drop"]["model=grade"]
    assert drop.value == pytest.approx(reference - current, abs=1e-12)
    assert drop.samples == WINDOW


def test_a_model_without_a_reference_or_of_another_task_has_no_value(values: dict) -> None:
    assert "model=young" in values["found"]["mae"]  # its MAE needs no reference
    assert "model=young" not in values["found"]["rmse_ratio_to_reference"]
    assert set(values["found"]["rmse_ratio_to_reference"]) == {"model=amount"}
    assert set(values["found"]["macro_f1_drop"]) == {"model=grade"}
    assert set(values["found"]["mae"]) == {"model=amount", "model=young"}


def test_the_backtest_series_gives_the_same_value(app, values: dict) -> None:
    store = app.predwatch.runtime.store
    since = utcnow() - timedelta(hours=1)
    for metric in alert_metrics.TASK_VALUES:
        series = alert_metrics.metric_series(store, metric, since, utcnow() + timedelta(hours=1))
        current = values["found"][metric]
        assert series["value"].iloc[-1] == pytest.approx(max(o.value for o in current.values()), rel=1e-12), metric
