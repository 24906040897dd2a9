"""Drift of a categorical feature from bucket counts (the reference's top categories, "other" and
"missing": data/queries/category_profiles.py), with the same sample-size gate and PSI verdict bands as
numeric features (analytics/drift.py), the JS distance standing where a number's Wasserstein does.

- PSI over the buckets, an empty bucket's share standing in as PSI_EPSILON, as for numeric bins.
- Pearson's chi-squared test of homogeneity of the reference's and the current counts (the 2 x K table,
  SciPy's `chi2_contingency` with its defaults: buckets empty in both dropped, Yates' correction when one
  degree of freedom is left). Two-sample, so the reference's own sampling noise counts: a test of the
  current counts against the reference's shares taken as exact found any window larger than the
  reference "drifted" (p = 3e-13 on an unshifted feature whose two-sample p was 0.97).
- Jensen-Shannon distance (base 2, in [0, 1]) of the two share vectors, unsmoothed (SciPy's
  `jensenshannon(p, q, base=2)`).
Missing values: the share of null rows in a window, beside the reference's; a rise of MISSING_RISE or
more (absolute) is a drift signal of its own, for numeric and categorical features alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.drift import PSI_EPSILON, psi_from_shares, verdict
from analytics.thresholds import DRIFT_BANDS, DriftBands

MISSING_RISE = 0.05


@dataclass(frozen=True)
class CategoricalDrift:
    psi: float | None
    chi2_statistic: float | None
    chi2_pvalue: float | None
    js_distance: float | None
    reference_count: int
    current_count: int


def expected_shares(reference: np.ndarray, epsilon: float = PSI_EPSILON) -> np.ndarray:
    shares = np.asarray(reference, dtype=float) / max(1.0, float(np.sum(reference)))
    smoothed = np.where(shares > 0, shares, epsilon)
    expected: np.ndarray = smoothed / smoothed.sum()
    return expected


def js_distance(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen-Shannon distance, base 2, of two share vectors."""
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = [np.sum(np.where(a > 0, a * np.log2(a / m), 0.0)) for a in (p, q)]
    return float(np.sqrt(max(0.0, (kl[0] + kl[1]) / 2)))


def two_sample_chi2(reference: np.ndarray, current: np.ndarray) -> tuple[float, float]:
    """Statistic and p-value of `scipy.stats.chi2_contingency([reference, current])` (correction=True):
    buckets empty on both sides are dropped; with none left to compare the samples agree (0, 1)."""
    table = np.vstack([np.asarray(reference, dtype=float), np.asarray(current, dtype=float)])
    table = table[:, table.sum(axis=0) > 0]
    dof = table.shape[1] - 1
    if dof < 1:
        return 0.0, 1.0
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    gap = np.abs(table - expected)
    if dof == 1:  # Yates: each gap shrinks by 0.5, but never past zero
        gap = np.maximum(gap - 0.5, 0.0)
    statistic = float(np.sum(gap**2 / expected))
    from scipy.stats import chi2  # here, not at the top: scipy.stats is tens of MB an idle monitor never needs

    return statistic, float(chi2.sf(statistic, dof))


def categorical_drift(reference: np.ndarray, current: np.ndarray, epsilon: float = PSI_EPSILON) -> CategoricalDrift:
    """Counts per bucket, in the same order for both."""
    reference, current = np.asarray(reference, dtype=float), np.asarray(current, dtype=float)
    nr, nc = float(reference.sum()), float(current.sum())
    if nr == 0 or nc == 0:
        return CategoricalDrift(None, None, None, None, int(nr), int(nc))
    ref_shares, cur_shares = reference / nr, current / nc
    statistic, pvalue = two_sample_chi2(reference, current)
    return CategoricalDrift(
        psi_from_shares(ref_shares, cur_shares, epsilon), statistic, pvalue, js_distance(ref_shares, cur_shares), int(nr), int(nc)
    )


def categorical_verdict(found: CategoricalDrift, min_samples: int, buckets: int, bands: DriftBands = DRIFT_BANDS) -> str:
    """The verdict rule (analytics/drift.py) over the bucket PSI and the Jensen-Shannon distance, gated
    on `rows_per_bucket` rows for each of the `buckets` buckets."""
    return verdict(
        found.psi, found.reference_count, found.current_count, min_samples, buckets, found.js_distance, bands.js, bands
    )


def missing_verdict(share: float | None, reference_share: float | None, rows: int, min_samples: int) -> str:
    """'significant' when the window's missing share exceeds the reference's by MISSING_RISE or more."""
    if share is None or rows < min_samples:
        return "insufficient_data"
    return "significant" if share - (reference_share or 0.0) >= MISSING_RISE else "none"
