"""Regression figures from the merged profiles against scikit-learn on the stored raw rows: MAE, RMSE, R²,
MAPE (labels != 0), sMAPE, the mean error and the standard errors of MAE and RMSE (SciPy's sem) within 1e-9
(relative), |error| quantiles within the bound the code states; windows of 15 minutes, 24 hours and 7 days
(minute, hour and day tiers), before and after late labels (a label arriving for a minute days old), and
after reopening the file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import mean_absolute_error, mean_absolute_percentage_error, mean_squared_error, r2_score

from answers.model_window import ModelAnswers
from data.ingest import store_outcomes, store_predictions
from data.prediction_log import ingest_tables
from data.queries import profile_reads as pr
from data.queries import profiles
from data.store import Store

NOW = datetime(2026, 3, 10, 12, 0, 30)
MODEL = "loan-amount"
WINDOWS = (900, 86_400, 7 * 86_400)
EXACT = {"rel": 1e-9, "abs": 1e-9}


def seed(store: Store, rng: np.random.Generator, n: int = 6000) -> list[tuple[str, float]]:
    """n predictions over 8 days, half in the last 2 hours; most labelled at once, some held back as late
    labels (returned). Labels include exact zeros (left out of MAPE), integers (stored as integer labels)
    and predictions equal to their label (zero error)."""
    ages = np.sort(np.concatenate([rng.uniform(0, 8 * 86_400, n // 2), rng.uniform(0, 7200, n - n // 2)]))[::-1]
    truth = np.round(rng.lognormal(9.5, 0.6, n), 2)
    truth[rng.random(n) < 0.03] = 0.0
    truth = np.where(rng.random(n) < 0.1, np.round(truth), truth)  # whole amounts: integer labels
    predicted = truth * rng.normal(1.02, 0.15, n) + rng.normal(0, 300, n)
    predicted = np.where(rng.random(n) < 0.02, truth, predicted)  # exact hits
    rows, outcomes, late = [], [], []
    for i, (age, p) in enumerate(zip(ages, predicted, strict=True)):
        ts = NOW - timedelta(seconds=float(age))
        rows.append({"id": f"r{i}", "model": MODEL, "timestamp": ts.replace(tzinfo=UTC), "score": float(p)})
        if rng.random() < 0.85:
            outcomes.append((f"r{i}", float(truth[i]), ts + timedelta(seconds=5)))
        elif rng.random() < 0.6:
            late.append((f"r{i}", float(truth[i])))
    for start in range(0, n, 1000):
        store_predictions(store, ingest_tables(rows[start : start + 1000], NOW - timedelta(days=9)), "regression")
    label(store, outcomes, NOW - timedelta(days=9))
    return late


def label(store: Store, outcomes: list[tuple[str, float, datetime]], received: datetime) -> None:
    """As the outcome route stores them: an integer label in [0, 1,000,000] as an integer, others as values."""
    whole = [o for o in outcomes if o[1].is_integer() and 0 <= o[1] <= 1_000_000]
    other = [o for o in outcomes if o not in whole]
    rows = [(i, int(y), ts, received) for i, y, ts in whole] + [(i, None, ts, received) for i, _, ts in other]
    store_outcomes(store, rows, [(i, y) for i, y, _ in other])


RAW_SQL = """
SELECT p.score, coalesce(v.value, o.label::DOUBLE) FROM predictions p JOIN outcomes o ON o.id = p.id
LEFT JOIN outcome_values v ON v.id = p.id WHERE p.model = ? AND p.ts >= ? AND p.ts < ? ORDER BY p.id
"""


def raw(store: Store, seconds: int) -> tuple[np.ndarray, np.ndarray]:
    first, last = pr.window_minutes(NOW, seconds)
    rows = np.array(store.fetch_all("t", RAW_SQL, [MODEL, first, last + timedelta(minutes=1)]), dtype=float)
    return rows[:, 0], rows[:, 1]


def check(store: Store) -> int:
    compared = 0
    results = ModelAnswers(store, min_samples=1).regression(MODEL, NOW, WINDOWS)
    assert results is not None and [r.window_seconds for r in results] == list(WINDOWS)
    for result in results:
        p, y = raw(store, result.window_seconds)
        e = p - y
        assert result.status == "ok" and result.labelled == len(y) > 100
        assert result.mae == pytest.approx(mean_absolute_error(y, p), **EXACT)
        assert result.rmse == pytest.approx(np.sqrt(mean_squared_error(y, p)), **EXACT)
        assert result.r2 == pytest.approx(r2_score(y, p), **EXACT)
        nonzero = y != 0
        assert 0 < result.mape_count == nonzero.sum() < len(y)
        assert result.mape == pytest.approx(mean_absolute_percentage_error(y[nonzero], p[nonzero]), **EXACT)
        both = np.abs(p) + np.abs(y)
        smape = np.where(both > 0, 2 * np.abs(e) / np.where(both > 0, both, 1), 0.0).mean()
        assert result.smape == pytest.approx(smape, **EXACT)
        assert result.mean_error == pytest.approx(e.mean(), **EXACT)
        assert result.mae_se == pytest.approx(stats.sem(np.abs(e)), **EXACT)
        assert result.rmse_se == pytest.approx(stats.sem(e * e) / (2 * np.sqrt(np.mean(e * e))), **EXACT)
        for q, name in ((0.5, "p50"), (0.9, "p90"), (0.99, "p99")):
            exact = np.quantile(np.abs(e), q, method="inverted_cdf")
            found, bound = getattr(result, f"abs_error_{name}"), getattr(result, f"abs_error_{name}_bound")
            assert bound is not None and bound <= 0.0117 * (found + bound)  # half of a 2.33 % bin
            assert abs(found - exact) <= bound * (1 + 1e-9), (name, found, exact, bound)
        compared += 1
    return compared


def test_regression_figures_equal_scikit_learn_through_late_labels_and_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    store = Store(path)
    late = seed(store, np.random.default_rng(11))
    profiles.refresh(store, NOW)
    for tier in ("regression_profile_hour", "regression_profile_day", "regression_error_profile_day"):
        assert store.fetch_one("t", f"SELECT count(*) FROM {tier} WHERE model = ?", [MODEL])[0] > 0
    assert check(store) == 3
    assert [o for o in late if int(o[0][1:]) < 1000]  # some are for minutes days old
    label(store, [(i, y, NOW) for i, y in late], NOW)
    with pytest.raises(AssertionError):  # the raw rows have them, the profiles not yet
        check(store)
    assert profiles.refresh(store, NOW) > 0  # the late labels' minutes, however old
    assert check(store) == 3
    store.close()
    store = Store(path)
    try:
        assert check(store) == 3
    finally:
        store.close()


def test_a_minute_profiled_without_the_sum_of_e4_leaves_its_windows_without_an_rmse_error(tmp_path: Path) -> None:
    """As a minute profiled before migration 0020 has it: MAE's error stands, RMSE's is unknown, never partial."""
    store = Store(tmp_path / "store.duckdb")
    try:
        seed(store, np.random.default_rng(12))
        profiles.refresh(store, NOW)
        with store.transaction("seed") as cur:
            cur.execute("UPDATE regression_profile SET e_4 = NULL WHERE ts = (SELECT max(ts) FROM regression_profile)")
        (result, *_) = ModelAnswers(store, min_samples=1).regression(MODEL, NOW, WINDOWS) or []
        assert result.rmse_se is None
        assert result.mae_se is not None
    finally:
        store.close()
