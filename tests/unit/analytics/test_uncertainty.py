"""analytics/uncertainty.py against direct computations on the raw rows (SciPy, scikit-learn, NumPy)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import roc_auc_score

from analytics import quality as qa
from analytics import uncertainty as u


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (10, 10), (180, 200), (41_000, 50_000)])
def test_wilson_equals_scipy(k: int, n: int) -> None:
    expected = stats.binomtest(k, n).proportion_ci(method="wilson")
    lo, hi = u.wilson(k, n)
    assert lo == pytest.approx(expected.low, abs=1e-12)
    assert hi == pytest.approx(expected.high, abs=1e-12)


def test_wilson_without_rows_is_undefined() -> None:
    assert u.wilson(0, 0) == (None, None)


def delong_raw(scores: np.ndarray, labels: np.ndarray) -> float:
    """DeLong's standard error from every positive-negative pair of the raw rows."""
    x, y = scores[labels == 1], scores[labels == 0]
    kernel = (x[:, None] > y[None, :]) + 0.5 * (x[:, None] == y[None, :])
    v10, v01 = kernel.mean(axis=1), kernel.mean(axis=0)
    return math.sqrt(v10.var(ddof=1) / len(x) + v01.var(ddof=1) / len(y))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_auc_se_from_bins_equals_delong_on_raw_rows(seed: int) -> None:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, 600)
    scores = np.round(1 / (1 + np.exp(-(rng.normal(size=600) + labels))), 2)  # rounded: a bin is one score
    distinct, pos, neg = qa.group_scores(scores, labels)
    assert u.auc_se(pos, neg) == pytest.approx(delong_raw(scores, labels), rel=1e-12)


def test_binned_auc_is_the_auc_the_error_is_for() -> None:
    rng = np.random.default_rng(4)
    labels = rng.integers(0, 2, 400)
    scores = np.round(rng.random(400) * 0.5 + 0.3 * labels, 2)
    _, pos, neg = qa.group_scores(scores, labels)
    assert qa.auc_from_counts(pos, neg) == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)


def test_auc_se_needs_two_of_each_outcome() -> None:
    assert u.auc_se(np.array([1.0, 0.0]), np.array([5.0, 3.0])) is None


def test_f1_se_matches_the_spread_of_f1_over_resampled_windows() -> None:
    rng = np.random.default_rng(5)
    cells = np.array([120, 30, 40, 310])  # tp, fp, fn, tn
    draws = rng.multinomial(cells.sum(), cells / cells.sum(), size=20_000)
    spread = float(np.std(2 * draws[:, 0] / (2 * draws[:, 0] + draws[:, 1] + draws[:, 2])))
    assert u.f1_se(*cells.tolist()) == pytest.approx(spread, rel=0.05)


def test_mae_se_equals_scipy_sem_of_absolute_errors() -> None:
    e = np.random.default_rng(6).standard_t(5, 800)
    a = np.abs(e)
    assert u.mean_se(len(a), a.sum(), (e * e).sum()) == pytest.approx(stats.sem(a), rel=1e-9)


def test_rmse_se_is_the_delta_method_on_the_squared_errors_sem() -> None:
    e = np.random.default_rng(7).normal(0.3, 2.0, 900)
    rmse = math.sqrt(np.mean(e**2))
    expected = stats.sem(e**2) / (2 * rmse)
    assert u.rmse_se(len(e), (e**2).sum(), (e**4).sum()) == pytest.approx(expected, rel=1e-9)


def test_rmse_se_matches_the_spread_of_rmse_over_simulated_windows() -> None:
    e = np.random.default_rng(8).normal(0.0, 1.5, size=(5_000, 400))
    spread = float(np.std(np.sqrt(np.mean(e**2, axis=1))))
    one = e[0]
    assert u.rmse_se(400, (one**2).sum(), (one**4).sum()) == pytest.approx(spread, rel=0.15)


def test_psi_noise_is_the_mean_and_spread_of_psi_without_drift() -> None:
    rng = np.random.default_rng(9)
    shares = np.full(10, 0.1)
    ref = rng.multinomial(2_000, shares, size=4_000) / 2_000
    cur = rng.multinomial(5_000, shares, size=4_000) / 5_000
    psi = np.sum((cur - ref) * np.log(cur / ref), axis=1)
    mean, sd = u.psi_noise(10, 2_000, 5_000)
    assert mean == pytest.approx(float(psi.mean()), rel=0.05)
    assert sd == pytest.approx(float(psi.std()), rel=0.1)


@pytest.mark.parametrize(("value", "se", "expected"), [(0.03, 0.01, True), (0.03, 0.02, False), (0.03, None, True)])
def test_beyond_noise(value: float, se: float | None, expected: bool) -> None:
    assert u.beyond_noise(value, se, 2.0) is expected
