"""A regression model's quality from merged profile sums and error bins (pure; data/queries/
regression_profiles.py builds both, with the same bins as here).

Sums-based figures are exact up to floating-point summation: MAE = sum|e| / n, RMSE = sqrt(sum e^2 / n),
mean error (bias) = sum e / n, MAPE = sum(|e| / |y|) / count over labels y != 0 (the count is returned:
scikit-learn's mean_absolute_percentage_error divides by max(|y|, eps) instead, so equal to it on the rows
with y != 0), sMAPE = mean of 2 |e| / (|p| + |y|) (0 where p = y = 0; from 0 to 2), R² = 1 - SSE / SST with
SST = sum y^2 - (sum y)^2 / n (as scikit-learn's r2_score: 1 when SST = 0 and SSE = 0, else 0 when SST = 0).
MAPE and sMAPE are fractions, as scikit-learn's are, not percentages.

|error| quantiles come from the log-spaced bins: the bin holding the ceil(q n)-th smallest |error| (the
"inverted CDF" quantile) is found exactly; the answer is that bin's midpoint and its bound half the bin's
width, so the true quantile is within the bound (bins are 2.33 % of |error| wide, the bottom one [0, 1e-6)).
In the top bin (|error| >= 1e12) the bound is unknown: None.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

LOWEST_EXPONENT, STEPS, TOP = -6, 100, 1799  # data/queries/regression_profiles.py bins the same way
QUANTILES = (0.5, 0.9, 0.99)


@dataclass(frozen=True)
class Figures:
    mae: float
    rmse: float
    mean_error: float
    r2: float
    smape: float
    mape: float | None  # None without a label != 0
    mape_count: int
    quantiles: dict[float, tuple[float | None, float | None]]  # q -> (estimate, bound)


def bin_range(k: int) -> tuple[float, float]:
    """|error| range [lo, hi) of unsigned bin k (0: below 10^LOWEST_EXPONENT; else the log-spaced bin k - 1)."""
    if k == 0:
        return 0.0, 10.0**LOWEST_EXPONENT
    if k - 1 >= TOP:
        return 10.0 ** (TOP / STEPS + LOWEST_EXPONENT), math.inf
    return 10.0 ** ((k - 1) / STEPS + LOWEST_EXPONENT), 10.0 ** (k / STEPS + LOWEST_EXPONENT)


def abs_quantile(bins: Mapping[int, int], q: float) -> tuple[float | None, float | None]:
    """(estimate, bound) of the q-quantile of |error| from signed bin -> count; (None, None) when empty."""
    unsigned: dict[int, int] = {}
    for b, n in bins.items():
        unsigned[abs(b)] = unsigned.get(abs(b), 0) + n
    total = sum(unsigned.values())
    if total == 0:
        return None, None
    rank = max(1, math.ceil(q * total - 1e-9))  # the inverted-CDF order statistic (1-based)
    seen = 0
    for k in sorted(unsigned):
        seen += unsigned[k]
        if seen >= rank:
            lo, hi = bin_range(k)
            return (None, None) if math.isinf(hi) else ((lo + hi) / 2, (hi - lo) / 2)
    return None, None  # not reached: seen ends at total >= rank


def figures(sums: Mapping[str, float], bins: Mapping[int, int]) -> Figures | None:
    """The figures of a window's merged sums (data/queries/regression_profiles.SUMS) and error bins; None
    without labelled rows."""
    n = sums.get("labelled", 0.0)
    if n <= 0:
        return None
    sse = sums["e_sq"]
    sst = sums["y_sq"] - sums["y_sum"] ** 2 / n
    if sst > 0:
        r2 = 1 - sse / sst
    else:
        r2 = 1.0 if sse == 0 else 0.0
    mape_n = int(sums.get("ape_n", 0))
    return Figures(
        mae=sums["abs_sum"] / n,
        rmse=math.sqrt(max(sse, 0.0) / n),
        mean_error=sums["e_sum"] / n,
        r2=r2,
        smape=sums["smape_sum"] / n,
        mape=sums["ape_sum"] / mape_n if mape_n else None,
        mape_count=mape_n,
        quantiles={q: abs_quantile(bins, q) for q in QUANTILES},
    )
