"""The evaluation job on an ingested model with a categorical feature, a boolean and missing values, all
through POST /api/predictions: a categorical shift is flagged within two passes with the right feature
named, and a rise in a numeric feature's missing share is a signal of its own."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from collectors.evaluation import EvaluationCollector
from data.clock import utcnow

PURPOSES = ["car", "home", "education", "travel"]


def post_rows(client, rng, prefix: str, n: int, start, shares: list[float], missing_x: float) -> None:
    rows = [
        {
            "id": f"{prefix}{i}",
            "model": "ext",
            "score": float(rng.random()),
            "timestamp": (start + timedelta(seconds=40 * i / n)).isoformat() + "Z",
            "features": {
                "x": None if rng.random() < missing_x else float(rng.normal()),
                "purpose": str(rng.choice(PURPOSES, p=shares)),
                "flag": bool(rng.random() < 0.5),
            },
        }
        for i in range(n)
    ]
    assert client.post("/api/predictions", json={"predictions": rows}).status_code == 200
    outcomes = [{"id": r["id"], "label": int(rng.random() < 0.5)} for r in rows]
    assert client.post("/api/outcomes", json={"outcomes": outcomes}).status_code == 200


def run(runtime, collector, now) -> dict:
    out = collector.collect(now)
    for table, rows in out.items():
        runtime.writer.enqueue_many(table, rows)
    runtime.writer.flush()
    return out


def test_a_categorical_shift_and_a_missing_rise_are_flagged_within_two_passes(app, client) -> None:
    runtime = app.predwatch.runtime
    collector = EvaluationCollector(
        runtime.store,
        runtime.writer,
        runtime.telemetry.quality,
        {},
        interval=60,
        windows={"15m": 900},
        min_samples=100,
        external_reference_rows=400,
    )
    rng = np.random.default_rng(5)
    start = utcnow().replace(second=0, microsecond=0) - timedelta(minutes=5)
    post_rows(client, rng, "r", 500, start, [0.4, 0.3, 0.2, 0.1], missing_x=0.0)
    first = run(runtime, collector, start + timedelta(minutes=1, seconds=30))
    verdicts = {r[3]: r[9] for r in first["feature_drift"] if r[2] == 900}
    assert verdicts == {"x": "none", "purpose": "none", "flag": "none", "__score__": "none"}
    post_rows(client, rng, "c", 500, start + timedelta(minutes=2), [0.1, 0.1, 0.2, 0.6], missing_x=0.3)
    second = run(runtime, collector, start + timedelta(minutes=2, seconds=50))
    recent = {r[3]: r for r in second["feature_drift"] if r[2] == 60}
    assert recent["purpose"][9] == "significant"
    assert recent["flag"][9] == "none"
    assert recent["purpose"][5] is None  # no KS for a category
    assert recent["purpose"][8] == 500  # current rows
    detail = {(r[3], r[2]): r for r in second["feature_drift_detail"]}
    purpose = detail[("purpose", 900)]
    assert purpose[4] == "categorical"
    assert purpose[5] < 1e-6
    assert purpose[6] > 0.1
    assert detail[("flag", 900)][5] > 1e-3
    x = detail[("x", 900)]
    assert x[4] == "numeric"
    assert x[8] == 0.0
    assert 0.1 < x[7] < 0.2
    assert x[9] == "significant"
    stored = runtime.store.fetch_all(
        "t",
        "SELECT feature, verdict FROM feature_drift WHERE model = 'ext' "
        "AND window_seconds = 60 AND ts = (SELECT max(ts) FROM feature_drift)",
    )
    assert ("purpose", "significant") in stored
    quality = runtime.telemetry.registry.get_sample_value(
        "feature_psi", {"model": "ext", "feature": "purpose", "window_seconds": "60"}
    )
    assert quality is not None
    assert quality > 0.25
    body = client.get("/api/drift?model=ext&window=15m").get_json()
    features = {f["feature"]: f for f in body["features"]}
    assert features["purpose"]["kind"] == "categorical"
    assert features["purpose"]["chi2_pvalue"] < 1e-6
    assert features["purpose"]["ks_statistic"] is None
    assert features["x"]["kind"] == "numeric"
    assert features["x"]["missing_verdict"] == "significant"
    assert features["x"]["reference_missing_share"] == 0.0
