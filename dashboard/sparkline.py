"""A KPI card's trend over the selected range as a sparkline of plain bars (divs, no chart library):
eight of them refresh with the Overview and cost a few hundred bytes each, where a plotly graph per
card would cost a figure per card per refresh."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from dash import html

BARS = 40


def _buckets(values: np.ndarray, bars: int) -> np.ndarray:
    """The mean of each of `bars` equal slices (NaN where a slice has no value); fewer values stay as they are."""
    if values.size <= bars:
        return values
    out = np.full(bars, np.nan)
    for i, part in enumerate(np.array_split(values, bars)):
        finite = part[np.isfinite(part)]
        if finite.size:
            out[i] = finite.mean()
    return out


def sparkline(values: Sequence[float | None], label: str, unit: str = "", bars: int = BARS) -> html.Div:
    """Bars from 0 (or the lowest value, when negative) to the highest value in the range; a gap where a
    slice has no value. Fewer than two values: a short muted note instead of a flat line."""
    array = _buckets(np.asarray([np.nan if v is None else v for v in values], dtype=float), bars)
    finite = array[np.isfinite(array)]
    if finite.size < 2:
        return html.Div("no trend in this range yet", className="sparkline-empty text-muted small")
    low, high = min(0.0, float(finite.min())), float(finite.max())
    span = (high - low) or 1.0
    heights = [None if not np.isfinite(v) else max(4.0, 100.0 * (v - low) / span) for v in array]
    bars_ = [
        html.Span(
            className="sparkline-bar" if h is not None else "sparkline-gap", style={"height": f"{h if h is not None else 0:.0f}%"}
        )
        for h in heights
    ]
    summary = f"{label} over the range: min {float(finite.min()):.3g}{unit}, max {high:.3g}{unit}"
    aria: dict[str, Any] = {"aria-label": summary}  # a wildcard attribute, which dash takes as a keyword only
    return html.Div(bars_, className="sparkline", title=summary, role="img", **aria)
