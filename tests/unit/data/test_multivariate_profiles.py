"""Multivariate drift through the real profile refresh on a real DuckDB: the error and each feature's part
over windows read from minutes, hours and days equal a direct NumPy computation on the raw rows stored in
DuckDB (1e-9); incomplete rows are skipped and counted; retention takes the minutes with the raw rows."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from analytics import multivariate as mv
from answers.multivariate import MultivariateDrift
from data.queries import multivariate as mq
from data.queries import profile_reads as pr
from data.queries import profile_tiers, profiles
from data.retention import RetentionPolicy, run_pass
from data.store import Store
from predictor.scenario import FEATURES, Scenario
from tests.unit.data.test_profiles import insert

MODEL = "m"
NOW = datetime(2026, 3, 10, 12, 0, 30)


def seed_reference(store: Store, rng: np.random.Generator, n: int = 4000) -> pd.DataFrame:
    frame = Scenario().sample(n, rng)[0]
    rows = [(MODEL, None, i, f, float(v), NOW) for f in FEATURES for i, v in enumerate(frame[f])]
    rows += [(MODEL, None, i, "__score__", float(v), NOW) for i, v in enumerate(rng.random(n))]
    insert(
        store,
        "model_reference",
        pd.DataFrame(rows, columns=["model", "model_version", "row_id", "feature", "value", "created_at"]),
    )
    profiles.build_edges(store, MODEL)
    return frame


def seed_predictions(store: Store, frame: pd.DataFrame, start: datetime, seconds: float, received: datetime, prefix: str) -> None:
    rng = np.random.default_rng(len(frame))
    n = len(frame)
    ts = [start + timedelta(seconds=float(s)) for s in np.sort(rng.random(n) * seconds)]
    ids = [f"{prefix}{i}" for i in range(n)]
    predictions = pd.DataFrame(
        {
            "id": ids,
            "ts": ts,
            "model": MODEL,
            "model_version": "1",
            "score": rng.random(n),
            "predicted_label": 0,
            "latency_seconds": 0.001,
            "status": "ok",
            "error_kind": None,
            "source": "test",
            "received_at": received,
        }
    )
    insert(store, "predictions", predictions)
    values = [(i, t, MODEL, f, float(v)) for f in FEATURES for i, t, v in zip(ids, ts, frame[f], strict=True)]
    values[3] = (*values[3][:4], None)  # a null, a NaN and a missing feature: three rows skipped
    values[n + 7] = (*values[n + 7][:4], float("nan"))
    del values[2 * n + 11]
    insert(store, "prediction_features", pd.DataFrame(values, columns=["id", "ts", "model", "feature", "value"]))


def raw_errors(store: Store, first: datetime, end: datetime) -> np.ndarray:
    """Each complete stored row's squared residual per feature, the textbook way on the raw rows."""
    names, mean, sd, reference = mq.read_reference(store, MODEL)
    wide = store.fetch_df(
        "t", "SELECT id, feature, value FROM prediction_features WHERE model = ? AND ts >= ? AND ts < ?", [MODEL, first, end]
    ).pivot(index="id", columns="feature", values="value")
    rows = mv.complete(wide.reindex(columns=list(names)).to_numpy(dtype=float))
    _, _, vt = np.linalg.svd((reference - mean) / sd, full_matrices=False)
    k = mv.fit(reference, names, standardise=(mean, sd)).components  # type: ignore[union-attr]
    z = (rows - mean) / sd
    return (z - z @ vt[:k].T @ vt[:k]) ** 2


def test_windows_through_minutes_hours_and_days_equal_numpy_on_raw_rows(store: Store) -> None:
    rng = np.random.default_rng(5)
    seed_reference(store, rng)
    start = NOW - timedelta(days=2, hours=3)
    seed_predictions(store, Scenario().sample(6000, rng)[0], start, 2 * 86400 + 3 * 3600, NOW, "a")
    assert profiles.refresh(store, NOW) > 0
    marks = profile_tiers.read_marks(store)
    assert marks["_day"] == datetime(2026, 3, 10) and marks["_hour"] == datetime(2026, 3, 10, 12)
    answers = MultivariateDrift(store)
    reference = answers.reference(MODEL)
    assert reference is not None and 1 <= reference.pca.components < len(FEATURES)
    for seconds in (600, 5400, 86400 + 7200, 3 * 86400):
        (found,) = answers.rows(MODEL, NOW, [seconds])
        row = dict(zip(mq.RESULT_COLUMNS, found, strict=True))
        first, last = pr.window_minutes(NOW, seconds)
        direct = raw_errors(store, first, last + timedelta(minutes=1))
        assert row["n"] == len(direct)
        assert row["error"] == pytest.approx(float(direct.sum(axis=1).mean()), rel=1e-9)
        parts = mq.decoded(row)["top_features"]
        by_feature = dict(zip(reference.pca.features, direct.mean(axis=0), strict=True))
        assert [p["contribution"] for p in parts] == pytest.approx([by_feature[p["feature"]] for p in parts], rel=1e-9)
        assert [p["feature"] for p in parts] == sorted(by_feature, key=lambda f: -by_feature[f])[:3]
    whole = dict(zip(mq.RESULT_COLUMNS, answers.rows(MODEL, NOW, [3 * 86400])[0], strict=True))
    assert (whole["n"], whole["skipped"]) == (5997, 3)  # a null, a NaN and a missing value skip their rows
    assert whole["verdict"] == "none" and whole["band_low"] <= whole["error"] <= whole["band_high"]
    days = store.fetch_one("t", "SELECT count(*), sum(n) FROM multivariate_profile_day WHERE model = ?", [MODEL])
    assert days is not None and days[0] == 2 and days[1] > 0


def test_a_late_minute_rerolls_its_closed_hour_and_retention_takes_the_minutes(store: Store) -> None:
    rng = np.random.default_rng(6)
    seed_reference(store, rng)
    seed_predictions(store, Scenario().sample(1500, rng)[0], NOW - timedelta(hours=5), 4 * 3600, NOW, "a")
    profiles.refresh(store, NOW)
    later = NOW + timedelta(minutes=2)
    seed_predictions(store, Scenario().sample(700, rng)[0], NOW - timedelta(hours=4, minutes=30), 600, later, "b")
    profiles.refresh(store, later + timedelta(seconds=1))
    answers = MultivariateDrift(store)
    (found,) = answers.rows(MODEL, later, [6 * 3600])
    first, last = pr.window_minutes(later, 6 * 3600)
    direct = raw_errors(store, first, last + timedelta(minutes=1))
    assert found[3] == len(direct) == 1500 + 700 - 6
    assert found[5] == pytest.approx(float(direct.sum(axis=1).mean()), rel=1e-9)
    hours = store.fetch_one("t", "SELECT sum(n) + sum(skipped) FROM multivariate_profile_hour WHERE model = ?", [MODEL])
    assert hours is not None and hours[0] == 2200
    run_pass(store, RetentionPolicy(system_hours=24, predictions_days=1, minute_days=1, hour_days=30), NOW + timedelta(days=3))
    assert store.fetch_one("t", "SELECT count(*) FROM multivariate_profile")[0] == 0  # type: ignore[index]
    assert store.fetch_one("t", "SELECT count(*) FROM multivariate_profile_hour")[0] > 0  # type: ignore[index]
