"""A regression model's quality over one window, from its merged profile parts (data/queries/
regression_profiles.py read per nested window by answers/model_window.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from analytics import regression as ra
from answers import sampling
from answers.results import RegressionQuality

Part = tuple[dict[str, float], dict[int, int]]  # (sums, signed error bin -> count) of some minutes


def merge(parts: Sequence[Part]) -> Part:
    """Parts' sums and bins added up (they cover disjoint minutes)."""
    sums: dict[str, float] = {}
    bins: dict[int, int] = {}
    for part_sums, part_bins in parts:
        for name, value in part_sums.items():
            sums[name] = sums.get(name, 0.0) + value
        for b, n in part_bins.items():
            bins[b] = bins.get(b, 0) + n
    return sums, bins


def window_quality(model: str, now: datetime, seconds: int, parts: Sequence[Part], min_samples: int) -> RegressionQuality:
    """The window's figures; only counts below `min_samples` labelled rows (status "insufficient_data")."""
    sums, bins = merge(parts)
    predictions, labelled = int(sums.get("n", 0)), int(sums.get("labelled", 0))
    counts = RegressionQuality(
        ts=now,
        model=model,
        model_version=None,
        window_seconds=seconds,
        predictions=predictions,
        labelled=labelled,
        unlabelled=predictions - labelled,
        status="insufficient_data",
        labelled_share=labelled / predictions if predictions else None,
    )
    found = ra.figures(sums, bins) if labelled >= max(1, min_samples) else None
    if found is None:
        return sampling.regression(counts, sums)
    (p50, b50), (p90, b90), (p99, b99) = (found.quantiles[q] for q in ra.QUANTILES)
    figures = replace(
        counts,
        status="ok",
        mae=found.mae,
        rmse=found.rmse,
        mape=found.mape,
        mape_count=found.mape_count,
        smape=found.smape,
        r2=found.r2,
        mean_error=found.mean_error,
        abs_error_p50=p50,
        abs_error_p90=p90,
        abs_error_p99=p99,
        abs_error_p50_bound=b50,
        abs_error_p90_bound=b90,
        abs_error_p99_bound=b99,
    )
    return sampling.regression(figures, sums)
