"""Multivariate drift: the mean squared PCA reconstruction error of a window's rows under a PCA fitted
on the standardised reference (NannyML's idea), computed exactly from mergeable sums.

Each row x is standardised with the reference's mean and standard deviation, z = (x - mean) / sd; the
PCA keeps the fewest components explaining VARIANCE_KEPT of the reference's variance, P projects on
them, and a row's error is ||(I - P) z||^2 = z^T (I - P) z. Its mean over a window is therefore
tr((I - P) E[z z^T]): a linear function of the window's sums n and sum z z^T, which add up over minutes,
hours and days like any count, so no raw row is needed. Feature j's share of the error is the j-th
diagonal entry of (I - P) E[z z^T] (I - P), which sums to the same trace. A change in how features move
together (a correlation the reference had, broken) raises the error with every marginal unchanged.
Only complete rows (every feature present and finite) count. The reference band is the mean +- 3 sd of
the error over REFERENCE_CHUNKS equal chunks of the reference."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

VARIANCE_KEPT = 0.65
REFERENCE_CHUNKS = 10
BAND_SDS = 3.0


@dataclass(frozen=True)
class Pca:
    features: tuple[str, ...]
    mean: np.ndarray
    sd: np.ndarray
    residual: np.ndarray  # I - P, symmetric and idempotent
    components: int


@dataclass(frozen=True)
class Sums:
    """Mergeable sums of a set of standardised complete rows."""

    n: int
    z: np.ndarray  # sum of z
    zz: np.ndarray  # sum of z z^T

    def __add__(self, other: Sums) -> Sums:
        return Sums(self.n + other.n, self.z + other.z, self.zz + other.zz)


@dataclass(frozen=True)
class Band:
    mean: float
    sd: float
    low: float
    high: float


@dataclass(frozen=True)
class Reconstruction:
    error: float | None
    contributions: dict[str, float]  # feature -> its share of the error


def fit(
    reference: np.ndarray,
    features: tuple[str, ...],
    variance_kept: float = VARIANCE_KEPT,
    standardise: tuple[np.ndarray, np.ndarray] | None = None,
) -> Pca | None:
    """The PCA of the reference's complete rows (n x d); None with fewer than two features or rows, or a
    feature constant in the reference (it cannot be standardised). `standardise` gives the (mean, sd)
    already stored with the profiles (the same figures up to rounding), else they are computed here."""
    rows = complete(np.asarray(reference, dtype=float))
    if rows.shape[1] < 2 or rows.shape[0] < 2:
        return None
    mean, sd = standardise if standardise is not None else (rows.mean(axis=0), rows.std(axis=0))
    if np.any(sd <= 0):
        return None
    z = (rows - mean) / sd
    values, vectors = np.linalg.eigh(z.T @ z / len(z))
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    k = int(np.searchsorted(np.cumsum(values) / values.sum(), variance_kept) + 1)
    kept = vectors[:, :k]
    return Pca(features, mean, sd, np.eye(len(features)) - kept @ kept.T, k)


def complete(rows: np.ndarray) -> np.ndarray:
    return rows[np.all(np.isfinite(rows), axis=1)]


def sums(pca: Pca, rows: np.ndarray) -> Sums:
    """The sums of raw rows (n x d, in `pca.features` order), incomplete rows left out."""
    z = (complete(np.asarray(rows, dtype=float)) - pca.mean) / pca.sd
    return Sums(len(z), z.sum(axis=0), z.T @ z)


def reconstruction(pca: Pca, found: Sums) -> Reconstruction:
    """The window's mean squared reconstruction error and each feature's part of it."""
    if found.n == 0:
        return Reconstruction(None, {})
    second = found.zz / found.n
    parts = np.diag(pca.residual @ second @ pca.residual)
    return Reconstruction(float(np.trace(pca.residual @ second)), dict(zip(pca.features, parts.tolist(), strict=True)))


def reference_band(pca: Pca, reference: np.ndarray, chunks: int = REFERENCE_CHUNKS) -> Band:
    """Mean +- BAND_SDS sd of the error over `chunks` consecutive chunks of the reference's rows."""
    errors = [reconstruction(pca, sums(pca, part)).error for part in np.array_split(complete(reference), chunks)]
    values = np.array([e for e in errors if e is not None])
    mean, sd = float(values.mean()), float(values.std(ddof=1))
    return Band(mean, sd, mean - BAND_SDS * sd, mean + BAND_SDS * sd)


def top_contributors(found: Reconstruction, count: int = 3) -> list[tuple[str, float]]:
    return sorted(found.contributions.items(), key=lambda kv: -kv[1])[:count]
