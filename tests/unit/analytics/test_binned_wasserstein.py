"""The Wasserstein distance from binned counts against SciPy on the raw values: within its stated bound,
the bound small where the reference has mass, and the verdict rule's sample gate per bucket count."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import wasserstein_distance

from analytics import binned_drift as bd
from analytics import drift as da
from analytics.thresholds import DRIFT_BANDS
from data.profile_bins import bin_values
from tests.unit.analytics.test_binned_drift import SAMPLES, reference_bins


def binned(reference: np.ndarray, current: np.ndarray) -> bd.Wasserstein:
    ref = reference_bins(reference)
    ids, counts = np.unique(bin_values(ref.edges, current), return_counts=True)
    return bd.wasserstein(ref, ids, counts, float(current.min()), float(current.max()))


@pytest.mark.parametrize("kind", list(SAMPLES))
@pytest.mark.parametrize("shift", [0.0, 0.05, 0.5])
@pytest.mark.parametrize("m", [80, 900, 20_000])
def test_within_the_stated_bound_of_scipy(kind: str, shift: float, m: int) -> None:
    rng = np.random.default_rng(31)
    reference = SAMPLES[kind](rng, 5000, 0.0)
    current = SAMPLES[kind](rng, m, shift)
    current[:2] = [reference.max() * 10 + 1, reference.min() - 1]  # beyond the reference's range
    found = binned(reference, current)
    exact = wasserstein_distance(reference, current) / reference.std()
    assert abs(found.distance - exact) <= found.error_bound + 1e-9


def test_the_bound_is_small_for_a_smooth_feature_and_zero_on_reference_values() -> None:
    rng = np.random.default_rng(4)
    reference = rng.normal(size=5000)
    found = binned(reference, rng.normal(0.5, 1.0, 2000))
    assert found.error_bound < 0.01
    assert found.distance == pytest.approx(0.5, abs=0.08)
    values = rng.integers(0, 12, 5000).astype(float)
    current = rng.integers(2, 12, 700).astype(float)  # every current value is a reference value: exact
    same = binned(values, current)
    assert same.error_bound == pytest.approx(0.0, abs=1e-12)
    assert same.distance == pytest.approx(wasserstein_distance(values, current) / values.std(), abs=1e-12)


def test_the_sample_gate_counts_buckets() -> None:
    assert da.sample_gate(200, 10) == 200
    assert da.sample_gate(200, 52) == 10 * 52
    # PSI over 52 buckets from 480 rows is noise: no verdict, however large
    assert da.verdict(0.26, 2000, 480, 200, buckets=52) == "insufficient_data"
    assert da.verdict(0.26, 2000, 520, 200, buckets=52) == "significant"
    # the worse of the PSI's band and the distance's
    assert da.verdict(0.02, 5000, 500, 200, 10, 0.3, DRIFT_BANDS.wasserstein) == "significant"
    assert da.verdict(0.02, 5000, 500, 200, 10, 0.12, DRIFT_BANDS.wasserstein) == "moderate"
    assert da.verdict(0.02, 5000, 500, 200, 10, 0.05, DRIFT_BANDS.wasserstein) == "none"
