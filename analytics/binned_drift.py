"""Drift of one feature from binned counts: the reference's and the current window's counts in the
same bins (data/queries/profiles.py: every distinct reference value is an edge of its own bin, and the
values between two edges share one; the 10 PSI decile bins are unions of them).

PSI is then NumPy's PSI on the decile bins exactly. The KS statistic is exact as well: no reference
value lies strictly inside a bin, so inside one the reference CDF is flat while the current CDF rises,
and the largest gap there is at one of the bin's ends, which the cumulative counts hold. The stated
bound, KS_ERROR_BOUND, is therefore 0 (beyond floating-point rounding, under 1e-12).

Wasserstein-1 distance (the area between the two CDFs), in reference standard deviations. The reference
CDF is known everywhere (it only steps at edges) and the current CDF at every edge; inside the open
interval between two edges (and between the window's smallest value and the first edge, the last edge
and its largest value: feature_profile_stats' vmin, vmax) the current CDF rises from a to b = a + the
interval's share, where it lies is unknown. Over an interval of width w where the reference CDF is F,
the area is then between w * (distance from F to [a, b]) and w * max(|F - a|, |F - b|): the figure is
the middle of the summed range and the stated bound half its width, so |exact - figure| <= bound. As
every distinct reference value is an edge, the intervals are narrow where the reference has mass: the
bound is the current rows' share in an interval times its width, summed, over the reference's sd.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from analytics.drift import PSI_BINS, psi_from_shares

KS_ERROR_BOUND = 0.0


@dataclass(frozen=True)
class ReferenceBins:
    edges: np.ndarray  # ascending
    counts: np.ndarray  # reference rows per bin id 0 .. 2R
    psi_bin: np.ndarray  # the PSI decile bin of each bin id
    cdf: np.ndarray  # the reference's share of rows up to and including each bin id
    psi_shares: np.ndarray  # the reference's share per PSI decile bin
    sd: float  # the reference's standard deviation (population), the unit of the Wasserstein distance

    @classmethod
    def from_edges(cls, edges: np.ndarray, rn: np.ndarray, pb_at: np.ndarray, pb_after: np.ndarray) -> ReferenceBins:
        """Bin 0 lies below edge 0 (PSI bin 0), 2i+1 is edge i, 2i+2 the values just above it."""
        size = 2 * len(rn) + 1
        counts, psi_bin = np.zeros(size), np.zeros(size, dtype=np.int64)
        counts[1::2], psi_bin[1::2], psi_bin[2::2] = rn, pb_at, pb_after
        total = max(counts.sum(), 1.0)
        values = np.asarray(edges, dtype=float)
        mean = float(np.dot(rn, values)) / total if len(values) else 0.0
        sd = math.sqrt(float(np.dot(rn, (values - mean) ** 2)) / total) if len(values) else 0.0
        # Fixed for the reference's life: computed once here, not on every pass over every window.
        return cls(
            np.asarray(edges, dtype=float),
            counts,
            psi_bin,
            np.cumsum(counts) / total,
            np.bincount(psi_bin, weights=counts, minlength=PSI_BINS) / total,
            sd,
        )


@dataclass(frozen=True)
class BinnedDrift:
    psi: float | None
    ks_statistic: float | None
    ks_error_bound: float | None
    reference_count: int
    current_count: int


def binned_drift(reference: ReferenceBins, bins: np.ndarray, counts: np.ndarray, epsilon: float) -> BinnedDrift:
    """PSI and KS of the current counts (`counts` rows in bin ids `bins`, a bin may repeat) against the
    reference's. Only the bins holding current rows are visited, not every reference bin: between two
    of them the current CDF is flat and the reference CDF rises, so the largest gap there lies at one
    of the two ends, the bin of a current row or the bin just before it."""
    nr = int(reference.counts.sum())
    found, index = np.unique(np.asarray(bins, dtype=np.int64), return_inverse=True)
    current = np.bincount(index, weights=np.asarray(counts, dtype=float), minlength=len(found))
    nc = current.sum()
    if nc == 0 or nr == 0:
        return BinnedDrift(None, None, None, nr, 0)
    shares = np.bincount(reference.psi_bin[found], weights=current, minlength=PSI_BINS) / nc
    upto = np.cumsum(current) / nc
    before = np.where(found > 0, reference.cdf[np.maximum(found - 1, 0)], 0.0)
    gap = max(np.max(np.abs(reference.cdf[found] - upto)), np.max(np.abs(before - (upto - current / nc))))
    return BinnedDrift(psi_from_shares(reference.psi_shares, shares, epsilon), float(gap), KS_ERROR_BOUND, nr, int(nc))


@dataclass(frozen=True)
class Wasserstein:
    distance: float | None  # in reference standard deviations
    error_bound: float | None  # |exact - distance| <= error_bound (module docstring)


def wasserstein(
    reference: ReferenceBins, bins: np.ndarray, counts: np.ndarray, low: float | None, high: float | None
) -> Wasserstein:
    """The current counts' Wasserstein distance to the reference, with `low` and `high` the window's
    smallest and largest value (None without rows outside the reference's range)."""
    edges = reference.edges
    size, r = len(reference.counts), len(edges)
    current = np.bincount(np.asarray(bins, dtype=np.int64), weights=np.asarray(counts, dtype=float), minlength=size)[:size]
    n = current.sum()
    if n == 0 or r == 0 or reference.sd <= 0:
        return Wasserstein(None, None)
    if (low is None and current[0] > 0) or (high is None and current[-1] > 0):
        return Wasserstein(None, None)  # rows outside the reference's range, and no extent to bound them
    below = max(0.0, edges[0] - low) if low is not None else 0.0
    above = max(0.0, high - edges[-1]) if high is not None else 0.0
    width = np.concatenate([[below], np.diff(edges), [above]])  # interval k lies between edges k-1 and k
    cum = np.cumsum(current) / n
    a = np.concatenate([[0.0], cum[1::2]])  # current share up to edge k-1, inclusive
    b = a + current[0::2] / n
    f = np.concatenate([[0.0], reference.cdf[1::2]])
    lower = width * np.maximum(0.0, np.maximum(f - b, a - f))
    upper = width * np.maximum(np.abs(f - a), np.abs(f - b))
    return Wasserstein(float((lower + upper).sum() / 2 / reference.sd), float((upper - lower).sum() / 2 / reference.sd))
