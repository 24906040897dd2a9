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

    @classmethod
    def from_edges(cls, edges: np.ndarray, rn: np.ndarray, pb_at: np.ndarray, pb_after: np.ndarray) -> ReferenceBins:
        """Bin 0 lies below edge 0 (PSI bin 0), 2i+1 is edge i, 2i+2 the values just above it."""
        size = 2 * len(rn) + 1
        counts, psi_bin = np.zeros(size), np.zeros(size, dtype=np.int64)
        counts[1::2], psi_bin[1::2], psi_bin[2::2] = rn, pb_at, pb_after
        return cls(np.asarray(edges, dtype=float), counts, psi_bin)


@dataclass(frozen=True)
class BinnedDrift:
    psi: float | None
    ks_statistic: float | None
    ks_error_bound: float | None
    reference_count: int
    current_count: int


def binned_drift(reference: ReferenceBins, bins: np.ndarray, counts: np.ndarray, epsilon: float) -> BinnedDrift:
    """PSI and KS of the current counts (`counts` rows in bin ids `bins`) against the reference's."""
    current = np.bincount(np.asarray(bins, dtype=np.int64), weights=np.asarray(counts, dtype=float),
                          minlength=len(reference.counts))
    nr, nc = reference.counts.sum(), current.sum()
    if nc == 0 or nr == 0:
        return BinnedDrift(None, None, None, int(nr), 0)
    shares = [np.bincount(reference.psi_bin, weights=c, minlength=PSI_BINS) / total
              for c, total in ((reference.counts, nr), (current, nc))]
    gap = np.cumsum(reference.counts) / nr - np.cumsum(current) / nc
    return BinnedDrift(psi_from_shares(shares[0], shares[1], epsilon), float(np.max(np.abs(gap))), KS_ERROR_BOUND,
                       int(nr), int(nc))
