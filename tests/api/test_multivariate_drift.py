"""Multivariate drift end to end on a real DuckDB: an ingested model's first labelled rows become its
reference, the evaluation pass refreshes the profiles and stores each window's answer; a shift of how
the features move together (every marginal unchanged) comes out above the band in the stored row, in
/api/drift (stored and on-demand windows) and in the multivariate_drift alert metric, while every
feature's PSI verdict stays "none". Traffic of the reference's kind stays inside the band."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from analytics import drift as da
from collectors.evaluation import EvaluationCollector
from data.clock import utcnow
from data.queries import alert_metrics
from data.queries import multivariate as mq
from tests.unit.data.test_profiles import insert

MODEL = "joint"
NAMES = tuple(f"f{i}" for i in range(6))
MIX = np.array([[1, 0, 0], [0.9, 0.4, 0], [0, 1, 0], [0, 0.9, 0.4], [0, 0, 1], [0.3, 0, 0.9]], dtype=float)
MIX = MIX / np.linalg.norm(MIX, axis=1, keepdims=True)  # unit variance per feature


def rows(rng: np.random.Generator, n: int, broken: bool) -> np.ndarray:
    """Pairs of features share a latent factor; `broken` draws each feature from its own latent draw:
    the same marginals, the correlations gone."""
    if broken:
        values = np.column_stack([(rng.standard_normal((n, 3)) @ MIX.T)[:, j] for j in range(len(NAMES))])
    else:
        values = rng.standard_normal((n, 3)) @ MIX.T
    return values + 0.1 * rng.standard_normal((n, len(NAMES)))


def log(store, values: np.ndarray, start, seconds: float, prefix: str, labelled: bool) -> None:
    n = len(values)
    ts = [start + timedelta(seconds=float(s)) for s in np.linspace(0, seconds, n, endpoint=False)]
    ids = [f"{prefix}{i}" for i in range(n)]
    scores = np.random.default_rng(n).random(n)
    insert(
        store,
        "predictions",
        pd.DataFrame(
            {
                "id": ids,
                "ts": ts,
                "model": MODEL,
                "model_version": "1",
                "score": scores,
                "predicted_label": (scores >= 0.5).astype(np.int32),
                "latency_seconds": 0.001,
                "status": "ok",
                "error_kind": None,
                "source": "test",
                "received_at": ts,
            }
        ),
    )
    features = [(i, t, MODEL, f, float(v)) for j, f in enumerate(NAMES) for i, t, v in zip(ids, ts, values[:, j], strict=True)]
    insert(store, "prediction_features", pd.DataFrame(features, columns=["id", "ts", "model", "feature", "value"]))
    if labelled:
        labels = (scores > 0.5).astype(np.int32)
        insert(store, "outcomes", pd.DataFrame({"id": ids, "label": labels, "ts": ts, "received_at": ts}))


def evaluate(app, now) -> None:
    runtime = app.predwatch.runtime
    collector = EvaluationCollector(
        runtime.store, runtime.writer, runtime.telemetry.quality, {}, interval=30, windows={"15m": 900}, min_samples=200
    )
    for table, found in collector.collect(now).items():
        runtime.writer.enqueue_many(table, found)
    runtime.writer.flush()


def test_a_correlation_only_shift_is_caught_end_to_end_where_every_psi_misses_it(app, client) -> None:
    store = app.predwatch.runtime.store
    rng = np.random.default_rng(3)
    now = utcnow().replace(second=0, microsecond=0)
    log(store, rows(rng, 2000, False), now - timedelta(hours=3), 1800, "r", labelled=True)  # becomes the reference
    log(store, rows(rng, 3000, False), now - timedelta(minutes=40), 600, "s", labelled=False)
    evaluate(app, now - timedelta(minutes=30) + timedelta(seconds=1))
    evaluate(app, now - timedelta(minutes=30) + timedelta(seconds=31))  # the reference frozen on the first pass
    same = mq.latest(store, MODEL, 900)
    assert same is not None and same["n"] == 3000 and same["verdict"] == "none", same
    assert same["band_low"] <= same["error"] <= same["band_high"]

    log(store, rows(rng, 3000, True), now - timedelta(minutes=14), 600, "b", labelled=False)
    at = now + timedelta(seconds=1)
    evaluate(app, at)
    found = mq.latest(store, MODEL, 900)
    assert found is not None and found["n"] == 3000 and found["skipped"] == 0
    assert found["verdict"] == "drift" and found["error"] > found["band_high"], found
    assert [t["feature"] for t in found["top_features"]] and all(t["contribution"] > 0 for t in found["top_features"])
    features = store.fetch_all(
        "t", "SELECT feature, psi, verdict FROM feature_drift WHERE model = ? AND window_seconds = 900 AND ts = ?", [MODEL, at]
    )
    assert sorted(f for f, _, _ in features) == sorted([*NAMES, "__score__"])
    assert all(psi < da.PSI_MODERATE and verdict == "none" for f, psi, verdict in features if f != "__score__"), features

    observed = alert_metrics.current_values(store, at + timedelta(seconds=1), 60, [])[("multivariate_drift", 0.0)]
    assert [(o.subject, o.samples) for o in observed] == [(f"model={MODEL}", 3000)]
    assert observed[0].value == found["error"] / found["band_high"] > 1
    series = alert_metrics.metric_series(store, "multivariate_drift", now - timedelta(hours=1), at + timedelta(seconds=1))
    assert series["value"].iloc[-1] == observed[0].value and series["value"].iloc[0] < 1

    body = client.get(f"/api/drift?model={MODEL}&window=15m").get_json()
    assert body["multivariate"]["verdict"] == "drift"
    assert body["multivariate"]["error"] == found["error"] and body["multivariate"]["n"] == 3000
    assert body["multivariate"]["top_features"] == found["top_features"]
    assert body["multivariate"]["error_bound"] == 0.0 and body["multivariate"]["note"].startswith("exact")
    on_demand = client.get(f"/api/drift?model={MODEL}&window=20m").get_json()["multivariate"]
    assert on_demand["verdict"] == "drift" and on_demand["n"] == 3000
