"""Drift of a categorical feature from bucket counts (the reference's top categories, "other" and
"missing": data/queries/category_profiles.py), with the same sample-size gate and PSI verdict bands as
numeric features (analytics/drift.py).

- PSI over the buckets, an empty bucket's share standing in as PSI_EPSILON, as for numeric bins.
- Pearson's chi-squared goodness-of-fit of the current counts against the reference's shares (SciPy's
  `chisquare(current, expected)`), the expected shares smoothed the same way: a bucket the reference
  never had (say "other" when the reference held under K categories) would otherwise make the
  statistic infinite from one stray row.
- Jensen-Shannon distance (base 2, in [0, 1]) of the two share vectors, unsmoothed (SciPy's
  `jensenshannon(p, q, base=2)`).
Missing values: the share of null rows in a window, beside the reference's; a rise of MISSING_RISE or
more (absolute) is a drift signal of its own, for numeric and categorical features alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.drift import PSI_EPSILON, psi_from_shares, verdict

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


def categorical_drift(reference: np.ndarray, current: np.ndarray, epsilon: float = PSI_EPSILON) -> CategoricalDrift:
    """Counts per bucket, in the same order for both."""
    reference, current = np.asarray(reference, dtype=float), np.asarray(current, dtype=float)
    nr, nc = float(reference.sum()), float(current.sum())
    if nr == 0 or nc == 0:
        return CategoricalDrift(None, None, None, None, int(nr), int(nc))
    ref_shares, cur_shares = reference / nr, current / nc
    expected = expected_shares(reference, epsilon) * nc
    statistic = float(np.sum((current - expected) ** 2 / expected))
    from scipy.stats import chi2  # here, not at the top: scipy.stats is tens of MB an idle monitor never needs

    pvalue = float(chi2.sf(statistic, max(1, len(reference) - 1)))
    return CategoricalDrift(
        psi_from_shares(ref_shares, cur_shares, epsilon), statistic, pvalue, js_distance(ref_shares, cur_shares), int(nr), int(nc)
    )


def categorical_verdict(found: CategoricalDrift, min_samples: int) -> str:
    """The numeric bands over the bucket PSI, behind the same sample-size gate."""
    return verdict(found.psi, found.reference_count, found.current_count, min_samples)


def missing_verdict(share: float | None, reference_share: float | None, rows: int, min_samples: int) -> str:
    """'significant' when the window's missing share exceeds the reference's by MISSING_RISE or more."""
    if share is None or rows < min_samples:
        return "insufficient_data"
    return "significant" if share - (reference_share or 0.0) >= MISSING_RISE else "none"
