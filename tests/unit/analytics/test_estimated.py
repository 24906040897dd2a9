"""Estimated performance from calibrated score bins: the calibration map against a direct PAV fit
(scikit-learn's IsotonicRegression on the same groups), the expected figures and their standard errors
against a direct NumPy computation per row, and, on simulated calibrated scores, the realized figures
within the stated band."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import roc_auc_score

from analytics import estimated as est
from tests.unit.analytics.test_binned_quality import score_bin

FINE, ALIGN = 10_000, 10


def reference(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Calibrated scores (label ~ Bernoulli(score)) with predicted = score >= 0.5."""
    rng = np.random.default_rng(seed)
    scores = rng.beta(1.2, 3.0, n)
    return scores, (rng.random(n) < scores).astype(int), (scores >= 0.5).astype(int)


def test_pav_equals_isotonic_regression() -> None:
    rng = np.random.default_rng(1)
    rate, weight = rng.random(30), rng.integers(1, 50, 30).astype(float)
    start, value, _ = est.pool_adjacent_violators(rate, weight)
    fitted = IsotonicRegression().fit(np.arange(30), rate, sample_weight=weight).predict(np.arange(30))
    blocks = np.searchsorted(start, np.arange(30), side="right") - 1
    np.testing.assert_allclose(value[blocks], fitted, atol=1e-12)


def test_map_is_monotone_with_a_cut_at_the_threshold_and_aligned_cuts() -> None:
    scores, labels, predicted = reference(5000, 2)
    cal = est.fit_calibration(score_bin(scores), labels, predicted, FINE, ALIGN)
    assert cal is not None
    assert np.all(np.diff(cal.p) >= 0)
    inner = cal.lo_bin[1:]
    assert np.all(inner[(inner >= 0) & (inner < FINE)] % ALIGN == 0)
    assert int(cal.n.sum()) == 5000


def test_map_needs_both_outcomes() -> None:
    assert est.fit_calibration(np.arange(10), np.ones(10), np.ones(10), FINE, ALIGN) is None


def direct(p: np.ndarray, predicted: np.ndarray, bins: np.ndarray, cal: est.CalibrationMap) -> dict[str, float]:
    """The estimate and its standard errors per row, with O(n^2) pair matrices: no binned shortcuts."""
    hit = predicted == 1
    tp, fp, fn, tn = p[hit].sum(), (1 - p[hit]).sum(), p[~hit].sum(), (1 - p[~hit]).sum()
    n = len(p)
    h = (bins[:, None] > bins[None, :]) + 0.5 * (bins[:, None] == bins[None, :])  # h[i, j]: i ranked above j
    big_p, big_n = p.sum(), n - p.sum()
    auc = float(p @ h @ (1 - p)) / (big_p * big_n)
    grad_auc = (h @ (1 - p) - h.T @ p - auc * (big_n - big_p)) / (big_p * big_n)
    group = cal.group(bins)

    def se(g: np.ndarray) -> float:
        per_group = np.bincount(group, weights=g, minlength=len(cal.p))
        return float(np.sqrt(np.sum(g**2 * p * (1 - p)) + np.sum(per_group**2 * cal.p * (1 - cal.p) / cal.n)))

    pos = tp + fn
    d = tp + fp + pos
    return {
        "tp": tp,
        "accuracy": (tp + tn) / n,
        "accuracy_se": se(np.where(hit, 1.0, -1.0) / n),
        "precision_se": se(np.where(hit, 1 / (tp + fp), 0.0)),
        "recall": tp / pos,
        "recall_se": se(np.where(hit, fn, -tp) / pos**2),
        "f1_se": se(np.where(hit, 2 * (d - tp), -2 * tp) / d**2),
        "auc": auc,
        "auc_se": se(grad_auc),
    }


@pytest.fixture(scope="module")
def window() -> tuple[est.Estimate, dict[str, float]]:
    scores, labels, predicted = reference(4000, 3)
    cal = est.fit_calibration(score_bin(scores), labels, predicted, FINE, ALIGN)
    assert cal is not None
    rng = np.random.default_rng(4)
    live = rng.beta(1.5, 2.5, 700)
    bins, hit = score_bin(live), (live >= 0.5).astype(int)
    # the profile's rows: split in two minutes, so pairs repeat and counts add up
    half = len(live) // 2
    stacked = est.estimate(np.r_[bins[:half], bins[half:]], np.r_[hit[:half], hit[half:]], np.ones(len(live)), cal)
    assert stacked is not None
    return stacked, direct(cal.p[cal.group(bins)], hit, bins, cal)


@pytest.mark.parametrize(
    "name", ["tp", "accuracy", "accuracy_se", "precision_se", "recall", "recall_se", "f1_se", "auc", "auc_se"]
)
def test_binned_estimate_equals_the_direct_computation(window: tuple[est.Estimate, dict[str, float]], name: str) -> None:
    found, expected = window
    assert getattr(found, name) == pytest.approx(expected[name], rel=1e-9)


def test_no_rows_no_estimate() -> None:
    cal = est.CalibrationMap(np.array([np.iinfo(np.int32).min]), np.array([0.3]), np.array([100.0]))
    assert est.estimate(np.zeros(0), np.zeros(0), np.zeros(0), cal) is None


def test_realized_figures_within_the_band_on_calibrated_scores() -> None:
    """200 windows of 1,000 calibrated rows: realized accuracy and AUC within 1.96 standard errors of the
    estimate in 93-97 % of them (the error counting the map's own, fitted on one 5,000-row reference)."""
    scores, labels, predicted = reference(5000, 5)
    cal = est.fit_calibration(score_bin(scores), labels, predicted, FINE, ALIGN)
    assert cal is not None
    rng = np.random.default_rng(6)
    inside = {"accuracy": 0, "auc": 0}
    windows = 200
    for _ in range(windows):
        live = rng.beta(1.2, 3.0, 1000)
        y, hit = (rng.random(1000) < live).astype(int), (live >= 0.5).astype(int)
        e = est.estimate(score_bin(live), hit, np.ones(1000), cal)
        assert e is not None
        assert e.auc is not None
        assert e.auc_se is not None
        inside["accuracy"] += abs(float(np.mean(y == hit)) - e.accuracy) <= 1.96 * e.accuracy_se
        inside["auc"] += abs(float(roc_auc_score(y, live)) - e.auc) <= 1.96 * e.auc_se
    assert inside["accuracy"] / windows >= 0.9
    assert inside["auc"] / windows >= 0.9


def test_95_percent_intervals_cover_in_93_to_97_percent_of_1000_windows() -> None:
    """Each simulated window with its own 5,000-row reference (a new map each time, so the map's own error
    is sampled too): the estimate's 95 % interval holds the realized accuracy and AUC of 1,000 calibrated rows."""
    rng = np.random.default_rng(2026)
    inside = {"accuracy": 0, "auc": 0}
    windows = 1000
    for _ in range(windows):
        scores = rng.beta(1.2, 3.0, 5000)
        cal = est.fit_calibration(score_bin(scores), (rng.random(5000) < scores).astype(int), scores >= 0.5, FINE, ALIGN)
        assert cal is not None
        live = rng.beta(1.2, 3.0, 1000)
        y, hit = (rng.random(1000) < live).astype(int), (live >= 0.5).astype(int)
        e = est.estimate(score_bin(live), hit, np.ones(1000), cal)
        assert e is not None
        assert e.auc is not None
        assert e.auc_se is not None
        inside["accuracy"] += abs(float(np.mean(y == hit)) - e.accuracy) <= 1.96 * e.accuracy_se
        inside["auc"] += abs(float(roc_auc_score(y, live)) - e.auc) <= 1.96 * e.auc_se
    assert 0.93 <= inside["accuracy"] / windows <= 0.97
    assert 0.93 <= inside["auc"] / windows <= 0.97
