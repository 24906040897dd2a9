"""Input drift statistics: PSI with quantile bins taken from the reference, and the two-sample
Kolmogorov-Smirnov test, as small pure functions, and the verdict rule.

Verdict: by effect size, never by a p-value (at 100k rows a KS p-value is near 0 for shifts no one
cares about). A feature is "significant" when its PSI or its distance (Wasserstein in reference
standard deviations for numbers, Jensen-Shannon for categories) passes the significant level of the
threshold table (analytics/thresholds.py DriftBands), "moderate" when one passes the moderate level,
else "none"; "insufficient_data" below the sample gate: both samples need `min_samples` rows and
`rows_per_bucket` rows for each bucket the PSI compares (10 x 10 deciles, 10 x 52 category buckets:
PSI over 52 buckets from 480 rows is noise, about 0.1 expected from sampling alone)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from analytics.thresholds import DRIFT_BANDS, DriftBands

PSI_BINS = 10
PSI_EPSILON = 1e-4  # stands in for an empty bin's share, so ln() stays finite
PSI_MODERATE, PSI_SIGNIFICANT = DRIFT_BANDS.psi
VERDICTS = ("none", "moderate", "significant", "insufficient_data")


@dataclass(frozen=True)
class KsResult:
    statistic: float | None
    pvalue: float | None


def quantile_edges(reference: np.ndarray, bins: int = PSI_BINS) -> np.ndarray:
    """The bins-1 inner edges at the reference's quantiles (linear interpolation, as DuckDB's
    quantile_cont). A value v falls in bin i = number of edges < v, so bin 0 is (-inf, e1]."""
    edges: np.ndarray = np.quantile(np.asarray(reference, dtype=float), np.arange(1, bins) / bins)
    return edges


def bin_shares(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    counts = np.bincount(np.searchsorted(edges, values, side="left"), minlength=len(edges) + 1)
    return counts / max(1, values.size)


def psi_from_shares(reference: np.ndarray, current: np.ndarray, epsilon: float = PSI_EPSILON) -> float:
    """Population stability index: sum over bins of (cur - ref) * ln(cur / ref); empty bins count epsilon."""
    ref = np.where(np.asarray(reference) > 0, reference, epsilon)
    cur = np.where(np.asarray(current) > 0, current, epsilon)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def psi(reference: np.ndarray, current: np.ndarray, bins: int = PSI_BINS) -> float | None:
    """PSI of `current` against `reference` on the reference's quantile bins; None if either is empty."""
    reference, current = np.asarray(reference, dtype=float), np.asarray(current, dtype=float)
    if reference.size == 0 or current.size == 0:
        return None
    edges = quantile_edges(reference, bins)
    return psi_from_shares(bin_shares(reference, edges), bin_shares(current, edges))


def ks_statistic(reference: np.ndarray, current: np.ndarray) -> float | None:
    """Largest distance between the two empirical CDFs (evaluated at every observed value)."""
    a, b = np.sort(np.asarray(reference, dtype=float)), np.sort(np.asarray(current, dtype=float))
    if a.size == 0 or b.size == 0:
        return None
    both = np.concatenate([a, b])
    cdf_a = np.searchsorted(a, both, side="right") / a.size
    cdf_b = np.searchsorted(b, both, side="right") / b.size
    return float(np.max(np.abs(cdf_a - cdf_b)))


def ks_pvalue(statistic: float | None, n: int, m: int) -> float | None:
    """Two-sided p-value for a two-sample KS statistic with sizes n and m: the exact one-sample
    Kolmogorov distribution at the effective size round(n m / (n + m)), SciPy's `ks_2samp`
    "asymp" method. It stays within 0.01 of `ks_2samp`'s default (an exact method up to 10,000 rows
    per side; tests/unit/analytics/test_drift.py), where the limiting form strayed by up to 0.026."""
    if statistic is None or n == 0 or m == 0:
        return None
    from scipy.stats import kstwo  # here, not at the top: scipy.stats is tens of MB an idle monitor never needs

    return float(min(1.0, max(0.0, kstwo.sf(statistic, max(1, round(n * m / (n + m)))))))


def ks_pvalues(statistics: Sequence[float | None], ns: Sequence[int], ms: Sequence[int]) -> list[float | None]:
    """`ks_pvalue` of many statistics in one call: SciPy's per-call overhead was most of a pass's p-values."""
    found: list[float | None] = [None] * len(statistics)
    keep = [i for i, (d, n, m) in enumerate(zip(statistics, ns, ms, strict=True)) if d is not None and n and m]
    if not keep:
        return found
    from scipy.stats import kstwo

    d = np.array([statistics[i] for i in keep], dtype=float)
    size = np.array([max(1, round(ns[i] * ms[i] / (ns[i] + ms[i]))) for i in keep])
    for i, p in zip(keep, np.clip(kstwo.sf(d, size), 0.0, 1.0).tolist(), strict=True):
        found[i] = float(p)
    return found


def ks_test(reference: np.ndarray, current: np.ndarray) -> KsResult:
    d = ks_statistic(reference, current)
    return KsResult(d, ks_pvalue(d, np.size(reference), np.size(current)))


def sample_gate(min_samples: int, buckets: int, bands: DriftBands = DRIFT_BANDS) -> int:
    """Fewest rows on each side for a verdict over `buckets` PSI buckets."""
    return max(min_samples, bands.rows_per_bucket * buckets)


def verdict(
    psi_value: float | None,
    reference_count: int,
    current_count: int,
    min_samples: int,
    buckets: int = PSI_BINS,
    distance: float | None = None,
    distance_levels: tuple[float, float] | None = None,
    bands: DriftBands = DRIFT_BANDS,
) -> str:
    """The verdict rule (module docstring): the worse of the PSI's band and the distance's."""
    gate = sample_gate(min_samples, buckets, bands)
    if psi_value is None or reference_count < gate or current_count < gate:
        return "insufficient_data"
    found = [(psi_value, bands.psi)]
    if distance is not None and distance_levels is not None:
        found.append((distance, distance_levels))
    if any(value > levels[1] for value, levels in found):
        return "significant"
    return "moderate" if any(value >= levels[0] for value, levels in found) else "none"


def impact(psi_value: float | None, importance: float | None) -> float | None:
    """Drift weighted by how much the model relies on the feature (importance clipped at 0)."""
    if psi_value is None:
        return None
    return psi_value * max(0.0, importance if importance is not None else 0.0)


def rank_by_impact(rows: list[dict[str, Any]], importance: dict[str, float]) -> list[dict[str, Any]]:
    """Rows (with `feature` and `psi`) plus importance, impact and impact_rank (1 = most impact), sorted
    by impact, then PSI; rows without a PSI come last. Without any importance, impact ranks by PSI alone."""
    weighted = bool(importance)
    out = []
    for row in rows:
        weight = importance.get(row["feature"]) if weighted else 1.0
        out.append({**row, "importance": importance.get(row["feature"]), "impact": impact(row.get("psi"), weight)})
    out.sort(key=lambda r: (r["impact"] is None, -(r["impact"] or 0.0), -(r.get("psi") or 0.0), r["feature"]))
    return [{**r, "impact_rank": i} for i, r in enumerate(out, start=1)]
