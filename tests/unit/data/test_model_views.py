"""The Model and Drift pages' and the model API's reads: the latest rows equal a correlated max(ts)
subquery's (bench.model_api keeps that definition as the benchmark's baseline), and long-range series are bounded
to about MAX_POINTS buckets without losing their means, peaks or gaps."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from bench.model_api import OLD_READS
from data.queries import model_views as mv
from data.queries.model_views import NARROW_POINTS
from data.queries.rollup_reads import MAX_POINTS
from data.retention import RetentionPolicy, run_pass
from data.store import Store

NOW = datetime(2026, 3, 10, 12, 0, 30)
WINDOWS = (30, 900, 86400)


def seed_latest(store: Store) -> None:
    """Several passes per model and window, whose newest differ by key: model 'b' stopped 2.4 h ago and
    has no 24 h window, 'c' has only old rows appended after the new ones (an import), the newest pass
    measured no permutation importance; feature_drift spans three row groups (122,880 rows each) and b's
    newest drift sits in the oldest of them; two drift rows of a pass share a feature (a duplicate)."""
    with store.transaction("seed") as cur:
        cur.execute(
            "INSERT INTO model_evaluations (ts, model, window_seconds, predictions, labelled, auc, accuracy, status) "
            "SELECT ? - to_seconds(30 * i), m, w, 100 + i, 80, 0.5 + (i % 40) / 100.0, 0.9, 'ok' "
            "FROM range(0, 400) t(i), (VALUES ('a'), ('b')) m(m), (VALUES (30), (900), (86400)) w(w) "
            "WHERE NOT (m = 'b' AND (w = 86400 OR i < 2880 / 10)) ORDER BY 1",
            [NOW],
        )
        cur.execute(
            "INSERT INTO model_curves SELECT ? - to_seconds(30 * i), m, w, c, p, p / 10, sqrt(p / 10), 1 - p / 10, "
            "CASE WHEN c = 'calibration' THEN 10 + i END FROM range(0, 4) t(i), (VALUES ('a'), ('b')) m(m), "
            "(VALUES (30), (900)) w(w), (VALUES ('roc'), ('pr'), ('calibration')) c(c), range(0, 11) q(p) "
            "WHERE NOT (m = 'b' AND w = 30 AND i = 0)",
            [NOW],
        )
        cur.execute(
            "INSERT INTO feature_drift (ts, model, window_seconds, feature, psi, ks_statistic, ks_pvalue, "
            "reference_count, current_count, verdict) SELECT ? - to_seconds(30 * (i // 12)) "
            "- CASE WHEN m = 'b' THEN INTERVAL 30 DAY ELSE INTERVAL 0 DAY END, m, 900, 'f' || (i % 12), "
            "(i % 97) / 100.0, 0.1, 0.5, 1000, 900 + i % 7, 'none' "
            "FROM range(0, 160000) t(i), (VALUES ('a'), ('b')) m(m) ORDER BY 1",
            [NOW],
        )
        cur.execute(
            "INSERT INTO feature_drift (ts, model, window_seconds, feature, psi, verdict) "
            "VALUES (?, 'a', 900, 'f3', 0.33, 'moderate'), (?, 'a', 30, 'f1', NULL, 'insufficient_data')",
            [NOW, NOW],
        )
        cur.execute(
            "INSERT INTO feature_drift_detail SELECT ts, model, window_seconds, feature, 'categorical', 0.2, "
            "0.1, 0.0, 0.0, 'none' FROM feature_drift WHERE feature = 'f5' AND ts >= ? - INTERVAL 31 DAY",
            [NOW - timedelta(hours=1)],
        )
        cur.execute(
            "INSERT INTO feature_importance SELECT ? - to_seconds(30 * i), m, 'f' || f, method, (i * 7 + f) % 13 / 13.0 "
            "FROM range(0, 300) t(i), (VALUES ('a'), ('b')) m(m), range(0, 12) g(f), "
            "(VALUES ('model'), ('permutation')) k(method) WHERE NOT (method = 'permutation' AND i = 0)",
            [NOW],
        )
        # appended after the newer rows, as an import of an older history would be
        cur.execute(
            "INSERT INTO model_evaluations (ts, model, window_seconds, predictions, labelled, status) "
            "SELECT ? - INTERVAL 40 DAY + to_seconds(i), 'c', 900, i, 0, 'insufficient_data' FROM range(0, 3) t(i)",
            [NOW],
        )
        cur.execute("INSERT INTO feature_importance VALUES (? - INTERVAL 40 DAY, 'c', 'f0', 'shap', 0.5)", [NOW])


def test_latest_reads_equal_the_correlated_max_ts_definition(store: Store) -> None:
    seed_latest(store)
    groups = store.fetch_one("t", "SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('feature_drift')")
    assert groups[0] >= 3  # the newest-first reads are checked across row groups
    checked = 0
    for model in (None, "a", "b", "c", "nobody"):
        for window in WINDOWS:
            expected = OLD_READS["latest_evaluations"](store, model, window)
            assert mv.latest_evaluations(store, model, window) == expected
            pd.testing.assert_frame_equal(
                mv.latest_curves(store, model, window), OLD_READS["latest_curves"](store, model, window)
            )
            if model is not None:
                assert mv.latest_drift(store, model, window) == OLD_READS["latest_drift"](store, model, window)
            checked += len(expected)
        if model is not None:
            pd.testing.assert_frame_equal(mv.latest_importance(store, model), OLD_READS["latest_importance"](store, model))
    assert checked > 8
    # the cases the seed was built for
    assert [e["model"] for e in mv.latest_evaluations(store, None, 900)] == ["a", "b", "c"]
    assert mv.latest_evaluations(store, "b", 86400) == []
    drift = mv.latest_drift(store, "b", 900)
    assert len(drift) == 12
    assert drift[0]["ts"] == NOW - timedelta(days=30)
    assert [r["feature"] for r in mv.latest_drift(store, "a", 900)].count("f3") == 2
    assert {r["kind"] for r in mv.latest_drift(store, "a", 900)} == {"numeric", "categorical"}
    importance = mv.latest_importance(store, "a")
    assert sorted(importance["method"].unique()) == ["model", "permutation"]
    assert len(importance) == 24
    assert list(mv.latest_importance(store, "c")["method"]) == ["shap"]


def seed_quality(store: Store, days: int) -> None:
    """Evaluations of two models every 60 s over `days` (some measure nothing: NULL metrics), rolled up."""
    start = NOW - timedelta(days=days)
    with store.transaction("seed") as cur:
        cur.execute(
            'INSERT INTO model_evaluations (ts, model, window_seconds, predictions, labelled, auc, "precision", recall, '
            "accuracy, estimated_accuracy, labelled_share, status) SELECT ? + to_seconds(60 * i), m, 900, 100, 80, "
            "CASE WHEN i BETWEEN 3000 AND 3200 THEN NULL ELSE 0.5 + (i * 7 % 40) / 100.0 END, 0.8, 0.7, "
            "CASE WHEN i BETWEEN 3000 AND 3200 THEN NULL ELSE 0.9 - (i % 11) / 100.0 END, 0.85, 0.8, 'ok' "
            "FROM range(0, ?) t(i), (VALUES ('a'), ('b')) m(m) ORDER BY 1",
            [start, days * 1440],
        )
        cur.execute(
            "INSERT INTO feature_drift (ts, model, window_seconds, feature, psi, ks_statistic, verdict) "
            "SELECT ? + to_seconds(60 * i), 'a', 900, 'f' || f, CASE WHEN i BETWEEN 3000 AND 3200 THEN NULL "
            "WHEN i = 5000 AND f = 1 THEN 0.9 ELSE (i * 13 + f) % 10 / 100.0 END, 0.05, "
            "CASE WHEN i BETWEEN 3000 AND 3200 THEN 'insufficient_data' WHEN i = 5000 AND f = 1 THEN 'significant' "
            "ELSE 'none' END FROM range(0, ?) t(i), range(0, 3) g(f) ORDER BY 1",
            [start, days * 1440],
        )
        cur.execute(
            "INSERT INTO feature_importance SELECT ? + to_seconds(60 * i), 'a', 'f' || f, 'permutation', "
            "(i * 3 + f) % 7 / 10.0 FROM range(0, ?) t(i), range(0, 3) g(f) ORDER BY 1",
            [start, days * 1440],
        )
    run_pass(store, RetentionPolicy(system_hours=(days + 1) * 24, predictions_days=days + 1), NOW)


def test_long_ranges_are_bounded_and_keep_means_peaks_and_gaps(store: Store) -> None:
    seed_quality(store, 8)
    since = NOW - timedelta(days=7)
    series = mv.quality_series(store, None, 900, since, NOW)  # 7 d: minute rollups, merged 7 at a time
    assert series.groupby("model").size().max() <= MAX_POINTS + 1
    assert series["model"].nunique() == 2
    step = int((series["ts"].iloc[1] - series["ts"].iloc[0]).total_seconds())
    stored = store.fetch_one(
        "t", "SELECT sum(evaluations) FROM model_eval_rollup WHERE resolution_seconds = 60 AND ts >= ? AND ts <= ?", [since, NOW]
    )[0]
    assert step == 420
    assert series["evaluations"].sum() == stored > 2 * 7 * 1440 - 10  # no minute left out
    raw = store.fetch_df(
        "t",
        "SELECT time_bucket(INTERVAL 420 SECOND, ts) AS ts, model, avg(auc) AS auc, "
        "avg(accuracy) AS accuracy FROM model_evaluations WHERE time_bucket(INTERVAL 1 MINUTE, ts) "
        "BETWEEN ? AND ? GROUP BY ALL ORDER BY model, ts",
        [since, NOW],
    )
    assert list(series["ts"]) == list(raw["ts"])
    for column in ("auc", "accuracy"):  # one evaluation a minute: the weighted means are the raw means
        assert np.allclose(series[column], raw[column], rtol=1e-12, equal_nan=True)
    # 200 minutes of evaluations that measured nothing (from 1,560 min into the range): still a gap when merged
    first, last = since + timedelta(minutes=1560), since + timedelta(minutes=1760)
    inside = series[(series["model"] == "a") & (series["ts"] >= first) & (series["ts"] + pd.Timedelta(minutes=7) <= last)]
    assert len(inside) >= 25
    assert inside["auc"].isna().all()
    assert inside["accuracy"].isna().all()
    assert inside["labelled_share"].notna().all()
    day = mv.quality_series(store, "a", 900, NOW - timedelta(days=1), NOW)  # 24 h: the minute rollups as stored
    assert len(day) > 1400
    assert (day["ts"].diff().dropna() == pd.Timedelta(minutes=1)).all()


def test_long_drift_and_importance_ranges_keep_the_peak(store: Store) -> None:
    seed_quality(store, 8)
    since = NOW - timedelta(days=8)
    drift = mv.drift_series(store, "a", 900, since, NOW)
    assert drift.groupby("feature").size().max() <= 1.1 * NARROW_POINTS  # 8 d: 19 minutes a bucket
    peak = drift[drift["psi"] == drift["psi"].max()].iloc[0]
    assert peak["psi"] == pytest.approx(0.9)
    assert peak["feature"] == "f1"
    assert peak["verdict"] == "significant"
    empty = drift[drift["psi"].isna()]
    assert not empty.empty
    assert set(empty["verdict"]) == {"insufficient_data"}
    short = mv.drift_series(store, "a", 900, NOW - timedelta(hours=1), NOW)  # short ranges: every pass as stored
    assert len(short) == 3 * 60
    assert (short["ts"].dt.second == NOW.second).all()
    importance = mv.importance_series(store, "a", since, NOW)
    assert importance.groupby("feature").size().max() <= 1.1 * NARROW_POINTS
    assert importance["importance"].mean() == pytest.approx(
        store.fetch_one("t", "SELECT avg(importance) FROM feature_importance")[0], abs=0.01
    )
