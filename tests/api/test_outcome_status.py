"""A prediction's success per task, on a real DuckDB fed through the API: binary = the predicted label is the
label, multiclass = the predicted class is the true class, regression = |prediction - label| within the model's
tolerance (the defaults, or one set through /api/tolerance). The Predictions page's reads and the minute rollups
are checked against pandas on the rows sent."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from dashboard.tables_predictions import prediction_rows
from data.queries import outcome_status, rollups
from data.queries import predictions as q
from tests.api.helpers import log

STAMP = datetime(2026, 11, 27, 12, 0, 0)
NOW = STAMP + timedelta(minutes=2)
CLASSES = ["A", "B", "C", 3]  # 3 is an integer class: its true class is stored as an integer label


def post(client, path: str, body: object):
    answer = client.post(path, data=json.dumps(body), content_type="application/json")
    assert answer.status_code == 200, answer.get_json()
    return answer


def _row(model: str, i: int, **values: object) -> dict:
    row = log(f"{model}-{i}", model=model, timestamp="2026-11-27T12:00:30Z", **values)
    return {k: v for k, v in row.items() if v is not None}


def _binary(rng: np.random.Generator, n: int) -> tuple[list[dict], list[tuple[str, object]]]:
    scores = rng.random(n)
    rows = [_row("clf", i, score=float(s), predicted_label=int(s >= 0.5)) for i, s in enumerate(scores)]
    return rows, [(r["id"], int(rng.random() < 0.5)) for r in rows]


def _multiclass(rng: np.random.Generator, n: int) -> tuple[list[dict], list[tuple[str, object]]]:
    picks = rng.integers(0, len(CLASSES), size=(n, 2))
    rows = [_row("grade", i, score=None, predicted_label=CLASSES[a]) for i, (a, _) in enumerate(picks)]
    # a true class as a name, or an integer (3); half the rows are right by construction
    truth = [CLASSES[a] if i % 2 else CLASSES[b] for i, (a, b) in enumerate(picks)]
    return rows, [(r["id"], t) for r, t in zip(rows, truth, strict=True)]


def _regression(rng: np.random.Generator, model: str, n: int) -> tuple[list[dict], list[tuple[str, object]]]:
    labels = np.round(rng.uniform(-50, 2000, n), 2)
    labels[:10] = 0.0  # a zero label: only the absolute tolerance can make it a success
    labels[10:30] = np.round(labels[10:30])  # whole labels are stored as integer outcomes
    predictions = labels * rng.uniform(0.8, 1.2, n) + rng.normal(0, 5, n)
    rows = [_row(model, i, score=None, predicted_label=None, prediction=float(p)) for i, p in enumerate(predictions)]
    return rows, [(r["id"], float(y)) for r, y in zip(rows, labels, strict=True)]


def _expected(rows: list[dict], outcomes: list[tuple[str, object]], tolerance: tuple[float, float]) -> pd.DataFrame:
    """Per prediction sent: its model and whether it is correct, by the rule of its task, in pandas."""
    frame = pd.DataFrame(rows).merge(pd.DataFrame(outcomes, columns=["id", "label"]), on="id")
    if "prediction" in frame:
        error = (frame["prediction"] - frame["label"].astype(float)).abs()
        frame["correct"] = error <= np.maximum(tolerance[0], tolerance[1] * frame["label"].astype(float).abs())
    else:
        frame["correct"] = frame["predicted_label"].astype(str) == frame["label"].astype(str)
    return frame[["id", "model", "correct"]]


@pytest.fixture
def fed(app, client) -> pd.DataFrame:
    """Four models (binary, multiclass, regression with the default tolerance and with its own), each with
    200 predictions, 150 of them labelled; the expected success of each labelled one."""
    rng = np.random.default_rng(25)
    post(client, "/api/tolerance", {"model": "amount-own", "absolute": 40, "relative": 0.05})
    expected = []
    for task, model, (rows, outcomes) in [
        ("binary", "clf", _binary(rng, 200)),
        ("multiclass", "grade", _multiclass(rng, 200)),
        ("regression", "amount", _regression(rng, "amount", 200)),
        ("regression", "amount-own", _regression(rng, "amount-own", 200)),
    ]:
        post(client, "/api/predictions", {"task": task, "predictions": rows})
        labelled = outcomes[:150]
        post(client, "/api/outcomes", {"outcomes": [{"id": i, "label": y} for i, y in labelled]})
        tolerance = (40.0, 0.05) if model == "amount-own" else (outcome_status.DEFAULT_ABSOLUTE, outcome_status.DEFAULT_RELATIVE)
        expected.append(_expected(rows, labelled, tolerance))
    return pd.concat(expected, ignore_index=True)


def test_each_tasks_success_rate_equals_pandas_on_the_rows_sent(app, fed: pd.DataFrame) -> None:
    store = app.predwatch.runtime.store
    want = fed.groupby("model")["correct"].agg(["sum", "count"])
    assert want.loc["amount", "sum"] > 0  # each rule sees successes and failures, so a wrong rule shows
    assert want.loc["amount", "sum"] < want.loc["amount", "count"]
    assert want.loc["amount-own", "sum"] != want.loc["amount", "sum"]
    performance = {r["model"]: r for r in q.performance(store, STAMP, NOW)}
    for model, (successes, labelled) in want.iterrows():
        assert (performance[model]["successes"], performance[model]["labelled"]) == (successes, labelled), model
    summary = q.window_summary(store, STAMP, NOW)
    assert summary["successes"] == fed["correct"].sum()
    trend = {r["window"]: r for r in q.success_trend(store, NOW)}
    assert trend["5m"]["success_rate"] == pytest.approx(fed["correct"].mean(), abs=1e-12)


def test_each_rows_status_equals_pandas(app, fed: pd.DataFrame) -> None:
    store = app.predwatch.runtime.store
    shown = {r["id"]: r["status"] for r in q.recent(store, 1000, None, None, NOW)}
    want = {i: "success" if ok else "failure" for i, ok in zip(fed["id"], fed["correct"], strict=True)}
    assert {i: shown[i] for i in want} == want
    assert sum(status == "pending" for status in shown.values()) == 4 * 50


def test_the_minute_rollups_and_the_raw_series_count_the_same_successes(app, fed: pd.DataFrame) -> None:
    store = app.predwatch.runtime.store
    rollups.rebuild(store, rollups.MINUTE, STAMP, NOW)
    rolled = dict(store.fetch_all("t", "SELECT model, successes FROM prediction_rollup WHERE resolution_seconds = 60"))
    assert rolled == {m: int(n) for m, n in fed.groupby("model")["correct"].sum().items()}
    raw = q.raw_success_series(store, STAMP, NOW, None, 60).set_index("model")["success_percent"]
    want = 100.0 * fed.groupby("model")["correct"].mean()
    pd.testing.assert_series_equal(raw.sort_index(), want.sort_index(), check_names=False, rtol=1e-12)


def test_a_tolerance_is_read_set_and_refused_for_a_classifier(client, fed: pd.DataFrame) -> None:
    default = client.get("/api/tolerance?model=amount").get_json()
    assert default == {"model": "amount", "absolute": 0.0, "relative": 0.1, "default": True}
    assert client.get("/api/tolerance?model=amount-own").get_json()["absolute"] == 40.0
    refused = client.post("/api/tolerance", json={"model": "clf", "relative": 0.2})
    assert refused.status_code == 409
    assert "binary" in refused.get_json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"model": "amount"}, "body"),
        ({"model": "amount", "absolute": -1}, "absolute"),
        ({"model": "amount", "relative": "0.1"}, "relative"),
        ({"absolute": 1}, "model"),
    ],
)
def test_a_bad_tolerance_is_a_422_naming_the_field(client, body: dict, field: str) -> None:
    answer = client.post("/api/tolerance", json=body)
    assert answer.status_code == 422
    assert answer.get_json()["error"]["details"][0]["field"] == field


def test_the_grid_shows_each_tasks_own_prediction_and_outcome(app, fed: pd.DataFrame) -> None:
    rows = {r["id"]: r for r in prediction_rows(q.recent(app.predwatch.runtime.store, 1000, None, None, NOW))}
    sent = app.predwatch.runtime.store.fetch_all(
        "t",
        "SELECT p.id, p.score, coalesce(v.value, o.label::DOUBLE) FROM predictions p JOIN outcomes o USING (id) "
        "LEFT JOIN outcome_values v USING (id) WHERE p.model = 'amount'",
    )
    assert {i: (rows[i]["predicted_label"], rows[i]["label"]) for i, _, _ in sent} == {
        i: (round(p, 4), round(y, 4)) for i, p, y in sent
    }
    classes = app.predwatch.runtime.store.fetch_all(
        "t",
        "SELECT c.id, c.predicted, coalesce(oc.label, o.label::VARCHAR) FROM prediction_classes c "
        "JOIN outcomes o USING (id) LEFT JOIN outcome_classes oc USING (id)",
    )
    assert len(classes) == 150
    assert {i: (rows[i]["predicted_label"], rows[i]["label"]) for i, _, _ in classes} == {i: (p, t) for i, p, t in classes}
    assert {str(rows[i]["label"]) for i, _, _ in classes} >= {"A", "3"}  # names and an integer class
    assert rows["p-clf-0"]["predicted_label"] in (0, 1)
