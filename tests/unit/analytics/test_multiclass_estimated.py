"""Multiclass estimates before labels (analytics/multiclass_estimated.py): equal to a direct NumPy
computation over the rows mapped through the one-vs-rest maps, and on simulated calibrated scores the
realized accuracy and macro F1 fall within 1.96 standard errors of the estimate in about 95 % of windows."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score

from analytics import multiclass_estimated as mest
from tests.unit.analytics.test_binned_quality import score_bin

K = 4


def simulate(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Calibrated scores: each row's true class drawn from its own probabilities; predicted the argmax."""
    logits = rng.normal(0.0, 1.5, (n, K))
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    truth = (rng.random(n)[:, None] > np.cumsum(p, axis=1)).sum(axis=1).clip(0, K - 1)
    return p, truth, p.argmax(axis=1)


def maps_of(p: np.ndarray, truth: np.ndarray) -> dict[str, mest.est.CalibrationMap]:
    found = {}
    for c in range(K):
        fitted = mest.fit_class_map(score_bin(p[:, c]), truth == c)
        assert fitted is not None
        found[str(c)] = fitted
    return found


def bins_of(p: np.ndarray, predicted: np.ndarray) -> dict[str, mest.ClassBins]:
    return {str(c): mest.ClassBins(score_bin(p[:, c]), predicted == c, np.ones(len(p), dtype=np.int64)) for c in range(K)}


def test_estimate_equals_numpy_over_the_mapped_rows() -> None:
    rng = np.random.default_rng(5)
    maps = maps_of(*simulate(rng, 2000)[:2])
    p, _, predicted = simulate(rng, 700)
    found = mest.estimate(bins_of(p, predicted), maps, len(p))
    assert found is not None
    q = np.column_stack([maps[str(c)].p[maps[str(c)].group(score_bin(p[:, c]))] for c in range(K)])
    hit = predicted[:, None] == np.arange(K)
    tp, called, positives = (q * hit).sum(axis=0), hit.sum(axis=0), q.sum(axis=0)
    assert found.accuracy == pytest.approx(q[np.arange(len(p)), predicted].mean(), abs=1e-9)
    assert found.precision == pytest.approx(np.mean(tp / called), abs=1e-9)
    assert found.recall == pytest.approx(np.mean(tp / positives), abs=1e-9)
    assert found.f1 == pytest.approx(np.mean(2 * tp / (called + positives)), abs=1e-9)
    # accuracy's error: each row right with probability q of its predicted class, plus each map's error
    labels = np.sum((q * (1 - q))[hit]) / len(p) ** 2
    mapped = 0.0
    for c in range(K):
        m = maps[str(c)]
        per_group = np.bincount(m.group(score_bin(p[:, c]))[hit[:, c]], minlength=len(m.p)) / len(p)
        mapped += np.sum(per_group**2 * m.p * (1 - m.p) / m.n)
    assert found.accuracy_se == pytest.approx(np.sqrt(labels + mapped), abs=1e-12)
    # macro F1's: sum_c g_c^2 q_c less (a_k q_k + b (1 - q_k))^2 per row predicted k, b the FN-weighted mean
    d = called + positives
    a, b = 2 * (d - tp) / d**2, -2 * tp / d**2
    fn = positives - tp
    b_mean = np.sum(b * fn) / np.sum(fn)
    gradient = np.where(hit, a, b)
    q_k = q[np.arange(len(p)), predicted]
    labels = np.sum(gradient**2 * q) - np.sum((a[predicted] * q_k + b_mean * (1 - q_k)) ** 2)
    mapped = 0.0
    for c in range(K):
        m = maps[str(c)]
        per_group = np.bincount(m.group(score_bin(p[:, c])), weights=gradient[:, c], minlength=len(m.p))
        mapped += np.sum(per_group**2 * m.p * (1 - m.p) / m.n)
    assert found.f1_se == pytest.approx(np.sqrt(labels + mapped) / K, abs=1e-12)


def test_a_class_the_reference_never_saw_true_has_rate_zero() -> None:
    fitted = mest.fit_class_map(np.array([5, 9000, 300]), np.zeros(3))
    assert fitted is not None
    assert fitted.p.tolist() == [0.0]


def test_no_rows_no_estimate() -> None:
    rng = np.random.default_rng(1)
    assert mest.estimate({}, maps_of(*simulate(rng, 500)[:2]), 0) is None


def test_realized_figures_fall_within_their_band_in_about_95_percent_of_windows() -> None:
    rng = np.random.default_rng(11)
    inside = {"accuracy": 0, "f1": 0}
    windows = 400
    for _ in range(windows):
        maps = maps_of(*simulate(rng, 2000)[:2])  # a new reference each time: the map's own error counts
        p, truth, predicted = simulate(rng, 500)
        found = mest.estimate(bins_of(p, predicted), maps, len(p))
        assert found is not None
        assert found.f1 is not None
        assert found.f1_se is not None
        realized = {
            "accuracy": accuracy_score(truth, predicted),
            "f1": f1_score(truth, predicted, average="macro", labels=list(range(K)), zero_division=0),
        }
        inside["accuracy"] += abs(realized["accuracy"] - found.accuracy) <= 1.96 * found.accuracy_se
        inside["f1"] += abs(realized["f1"] - found.f1) <= 1.96 * found.f1_se
    print({k: v / windows for k, v in inside.items()})
    assert 0.92 <= inside["accuracy"] / windows <= 0.98
    assert 0.92 <= inside["f1"] / windows <= 0.98
