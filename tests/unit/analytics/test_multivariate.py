"""Multivariate drift from mergeable sums against a direct NumPy computation on the raw rows (1e-9),
merged over parts as the profile tiers merge them, and a correlation-only shift (every marginal
unchanged) that the error catches and every per-feature PSI misses."""

from __future__ import annotations

import numpy as np
import pytest

from analytics import drift as da
from analytics import multivariate as mv
from predictor.scenario import FEATURES, Scenario

NAMES = tuple(FEATURES)


def direct_errors(reference: np.ndarray, k: int, rows: np.ndarray) -> np.ndarray:
    """The textbook way on raw rows: standardise by the reference, project on its k leading components,
    reconstruct, and square each feature's residual (rows x features)."""
    mean, sd = reference.mean(axis=0), reference.std(axis=0)
    _, _, vt = np.linalg.svd((reference - mean) / sd, full_matrices=False)
    z = (rows - mean) / sd
    return (z - z @ vt[:k].T @ vt[:k]) ** 2


def test_equal_to_numpy_on_raw_rows_and_mergeable() -> None:
    rng = np.random.default_rng(1)
    reference = Scenario().sample(5000, rng)[0].to_numpy(dtype=float).copy()
    pca = mv.fit(reference, NAMES)
    assert pca is not None and 1 <= pca.components < len(NAMES)
    # the PCA itself, the textbook way: the kept components explain at least 65 % of the variance
    z = (reference - reference.mean(axis=0)) / reference.std(axis=0)
    values = np.sort(np.linalg.eigvalsh(np.cov(z.T, bias=True)))[::-1]
    assert values[: pca.components].sum() / values.sum() >= mv.VARIANCE_KEPT > values[: pca.components - 1].sum() / values.sum()
    window = Scenario().sample(3000, rng)[0].to_numpy(dtype=float).copy()
    window[5, 2] = np.nan  # an incomplete row counts nowhere
    parts = [mv.sums(pca, part) for part in np.array_split(window, 7)]  # minutes, merged
    merged = parts[0]
    for part in parts[1:]:
        merged = merged + part
    found = mv.reconstruction(pca, merged)
    rows = mv.complete(window)
    assert merged.n == len(rows) == 2999
    direct = direct_errors(reference, pca.components, rows)
    assert found.error == pytest.approx(float(direct.sum(axis=1).mean()), rel=1e-9)
    assert sum(found.contributions.values()) == pytest.approx(found.error, rel=1e-9)
    per_feature = direct.mean(axis=0)
    assert list(found.contributions.values()) == pytest.approx(per_feature.tolist(), rel=1e-9)


def test_a_correlation_only_shift_is_caught_where_every_psi_misses_it() -> None:
    rng = np.random.default_rng(2)
    n, d = 5000, 6
    names = tuple(f"f{i}" for i in range(d))
    base = rng.standard_normal((n, 3))
    mix = np.array([[1, 0, 0], [0.9, 0.4, 0], [0, 1, 0], [0, 0.9, 0.4], [0, 0, 1], [0.3, 0, 0.9]])
    mix = mix / np.linalg.norm(mix, axis=1, keepdims=True)  # unit variance per feature
    reference = base @ mix.T + 0.1 * rng.standard_normal((n, d))
    pca = mv.fit(reference, names)
    assert pca is not None
    band = mv.reference_band(pca, reference)
    same = rng.standard_normal((n, 3)) @ mix.T + 0.1 * rng.standard_normal((n, d))
    # the same marginals, the pairs' correlation broken: each feature from independent latent draws
    broken = np.column_stack([(rng.standard_normal((n, 3)) @ mix.T)[:, j] for j in range(d)]) + 0.1 * rng.standard_normal((n, d))
    assert max(da.psi(reference[:, j], broken[:, j]) for j in range(d)) < da.PSI_MODERATE
    assert band.low <= mv.reconstruction(pca, mv.sums(pca, same)).error <= band.high
    shifted = mv.reconstruction(pca, mv.sums(pca, broken))
    assert shifted.error > band.high
    assert mv.top_contributors(shifted, 1)[0][1] > 0
