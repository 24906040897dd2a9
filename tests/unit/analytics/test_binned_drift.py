"""Drift from binned counts against SciPy and NumPy on the raw values: the KS statistic exact (its
stated bound is 0), the p-value within 0.01 of ks_2samp's, PSI equal to NumPy's on the decile bins."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import ks_2samp

from analytics import binned_drift as bd
from analytics import drift as da
from data.profile_bins import bin_values


def reference_bins(reference: np.ndarray) -> bd.ReferenceBins:
    """What data/queries/profiles.py stores: every distinct value and the 9 decile edges are edges."""
    deciles = da.quantile_edges(reference)
    edges = np.union1d(reference, deciles)
    rn = np.bincount(np.searchsorted(edges, reference), minlength=len(edges))  # each value is an edge
    return bd.ReferenceBins.from_edges(
        edges, rn, np.searchsorted(deciles, edges, side="left"), np.searchsorted(deciles, edges, side="right")
    )


SAMPLES = {
    "lognormal": lambda rng, n, s: rng.lognormal(10 + s, 1.2, n),
    "pareto": lambda rng, n, s: rng.pareto(1.1, n) * 1000 * (1 + s),
    "cauchy": lambda rng, n, s: rng.standard_cauchy(n) + s,
    "integers": lambda rng, n, s: rng.integers(0, 12, n).astype(float) + np.round(s * 3),
    "two-valued": lambda rng, n, s: rng.choice([36.0, 60.0], n, p=[0.5 - s / 3, 0.5 + s / 3]),
}


@pytest.mark.parametrize("kind", list(SAMPLES))
@pytest.mark.parametrize("shift", [0.0, 0.05, 0.5])
@pytest.mark.parametrize("m", [80, 900, 20_000])
def test_binned_drift_equals_scipy_and_numpy(kind: str, shift: float, m: int) -> None:
    rng = np.random.default_rng(21)
    reference = SAMPLES[kind](rng, 5000, 0.0)
    current = SAMPLES[kind](rng, m, shift)
    current[:3] = [reference.max() * 10 + 1, reference.min() - 1, np.inf]  # beyond the reference's range
    ref = reference_bins(reference)
    ids, counts = np.unique(bin_values(ref.edges, current), return_counts=True)
    found = bd.binned_drift(ref, ids, counts, da.PSI_EPSILON)
    scipy = ks_2samp(reference, current)
    assert (found.reference_count, found.current_count) == (5000, m)
    assert abs(found.ks_statistic - scipy.statistic) <= found.ks_error_bound + 1e-12
    assert da.ks_pvalue(found.ks_statistic, 5000, m) == pytest.approx(scipy.pvalue, abs=0.01)
    assert found.psi == pytest.approx(da.psi(reference, current), abs=1e-9)


def test_an_empty_window_has_no_figures() -> None:
    ref = reference_bins(np.arange(100.0))
    found = bd.binned_drift(ref, np.zeros(0, dtype=np.int64), np.zeros(0), da.PSI_EPSILON)
    assert (found.psi, found.ks_statistic, found.current_count, found.reference_count) == (None, None, 0, 100)
