"""Drift of one feature from binned counts: the reference's and the current window's counts in the
same bins (data/queries/profiles.py: every distinct reference value is an edge of its own bin, and the
values between two edges share one; the 10 PSI decile bins are unions of them).

PSI is then NumPy's PSI on the decile bins exactly. The KS statistic is exact as well: no reference
value lies strictly inside a bin, so inside one the reference CDF is flat while the current CDF rises,
and the largest gap there is at one of the bin's ends, which the cumulative counts hold. The stated
bound, KS_ERROR_BOUND, is therefore 0 (beyond floating-point rounding, under 1e-12).
"""

from __future__ import annotations

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

    @classmethod
    def from_edges(cls, edges: np.ndarray, rn: np.ndarray, pb_at: np.ndarray, pb_after: np.ndarray) -> ReferenceBins:
        """Bin 0 lies below edge 0 (PSI bin 0), 2i+1 is edge i, 2i+2 the values just above it."""
        size = 2 * len(rn) + 1
        counts, psi_bin = np.zeros(size), np.zeros(size, dtype=np.int64)
        counts[1::2], psi_bin[1::2], psi_bin[2::2] = rn, pb_at, pb_after
        total = max(counts.sum(), 1.0)
        # Fixed for the reference's life: computed once here, not on every pass over every window.
        return cls(
            np.asarray(edges, dtype=float),
            counts,
            psi_bin,
            np.cumsum(counts) / total,
            np.bincount(psi_bin, weights=counts, minlength=PSI_BINS) / total,
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
