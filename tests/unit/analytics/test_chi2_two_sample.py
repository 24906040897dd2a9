"""The categorical chi-squared p-value is the two-sample test of the reference's and the current
counts: equal to SciPy's chi2_contingency on the same counts (1e-9), Yates' correction included at one
degree of freedom, and an unshifted window larger than the reference no longer looks drifted."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2_contingency

from analytics import categorical_drift as cd


@pytest.mark.parametrize("seed", range(8))
def test_equal_to_chi2_contingency_on_the_same_counts(seed: int) -> None:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 60))
    shares = rng.dirichlet(np.ones(k))
    reference = rng.multinomial(2_000, shares).astype(float)
    current = rng.multinomial(int(rng.integers(50, 50_000)), rng.dirichlet(np.ones(k)) if seed % 2 else shares).astype(float)
    reference[0] = current[0] = 0  # a bucket empty on both sides is dropped, as SciPy cannot take it
    found = cd.categorical_drift(reference, current)
    keep = (reference + current) > 0
    statistic, pvalue, _, _ = chi2_contingency([reference[keep], current[keep]])
    assert found.chi2_statistic == pytest.approx(statistic, rel=1e-9)
    assert found.chi2_pvalue == pytest.approx(pvalue, rel=1e-9, abs=1e-300)


def test_one_degree_of_freedom_takes_yates_correction() -> None:
    reference, current = np.array([120.0, 80.0, 0.0]), np.array([30.0, 45.0, 0.0])
    statistic, pvalue, dof, _ = chi2_contingency([reference[:2], current[:2]])
    assert dof == 1
    found = cd.categorical_drift(reference, current)
    assert (found.chi2_statistic, found.chi2_pvalue) == pytest.approx((statistic, pvalue), rel=1e-9)


def test_an_unshifted_window_larger_than_the_reference_is_not_drifted() -> None:
    rng = np.random.default_rng(3)
    shares = rng.dirichlet(np.ones(52))
    reference = rng.multinomial(2_000, shares).astype(float)
    current = rng.multinomial(60_000, shares).astype(float)  # 15 minutes of traffic, 30 times the reference
    found = cd.categorical_drift(reference, current)
    assert found.chi2_pvalue > 0.001
    assert found.psi < 0.1


def test_one_bucket_left_is_no_difference() -> None:
    found = cd.categorical_drift(np.array([10.0, 0.0]), np.array([5.0, 0.0]))
    assert (found.chi2_statistic, found.chi2_pvalue) == (0.0, 1.0)
