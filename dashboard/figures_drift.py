"""Pure figure builders of the Drift page: a feature x time PSI heatmap, reference vs current
distribution of one feature, and the score's drift over time. DataFrames in, go.Figure out.
Built unvalidated (dashboard/fast_figure.py); the unit tests validate them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from dashboard.fast_figure import LEAN_TEMPLATE, TIME, axis, decorate, frame, hline, line, nothing_to_draw, numbers, times
from dashboard.figures import empty_figure
from dashboard.theme import SERIES

if TYPE_CHECKING:
    import pandas as pd

SCORE = "__score__"
# The PSI verdict bands (moderate, significant) come from analytics.drift through the callback: the
# dashboard imports no other room.
Bands = tuple[float, float]


def psi_colors(bands: Bands) -> list[list]:
    """Green below `moderate`, amber to `significant`, red beyond; the scale spans 0 to 2 x significant."""
    moderate, significant = (level / (2 * bands[1]) for level in bands)
    return [
        [0.0, "#e9f7ef"],
        [moderate, "#a3d9b1"],
        [moderate, "#ffe08a"],
        [significant, "#fd9843"],
        [significant, "#e35d6a"],
        [1.0, "#842029"],
    ]


NO_DRIFT = "No drift results yet: the evaluation job compares each window with the model's reference sample"
TOO_FEW = (
    "Too few rows in this window to measure drift yet:<br>each evaluation needs enough predictions beside the reference sample"
)


def make_psi_heatmap_figure(series: pd.DataFrame, bands: Bands, revision: str = "") -> go.Figure:
    """PSI of every input feature (rows) at every evaluation (columns); gaps mean too few rows."""
    features = series[series["feature"] != SCORE] if not series.empty else series
    if features.empty:
        return empty_figure("PSI by feature over time", NO_DRIFT)
    # the last non-missing PSI of each feature and evaluation, as pivot_table(aggfunc="last") gave at 3-4x the cost
    grid = features.groupby(["feature", "ts"], sort=True)["psi"].last().unstack("ts")
    if nothing_to_draw(grid.to_numpy(dtype=float)):  # every cell missing: plotly would draw an empty year-2000 axis
        return empty_figure("PSI by feature over time", TOO_FEW)
    heat = {
        "type": "heatmap",
        "z": grid.to_numpy(dtype=float),
        "x": times(grid.columns),
        "y": list(grid.index),
        "zmin": 0,
        "zmax": 2 * bands[1],
        "colorscale": psi_colors(bands),
        "colorbar": {"title": {"text": "PSI"}},
        "hoverongaps": False,
        "hovertemplate": "%{y} at %{x}: PSI %{z:.3f}<extra></extra>",
    }
    return frame(
        "PSI by feature over time",
        revision,
        axis("feature", type="category"),
        [heat],
        template=LEAN_TEMPLATE,
        height=420,
        hovermode="closest",
    )


def make_distribution_figure(shares: pd.DataFrame | None, feature: str | None, revision: str = "") -> go.Figure:
    """Share of reference and of current values per bin of the selected feature, overlaid."""
    title = f"Distribution: {feature}" if feature else "Distribution"
    if feature is None or shares is None or shares.empty:
        return empty_figure(title, "Pick a feature; it needs a reference sample and values in this window")
    centres = numbers((shares["bin_start"] + shares["bin_end"]) / 2)
    width = float((shares["bin_end"] - shares["bin_start"]).iloc[0])
    bars = [
        {
            "type": "bar",
            "x": centres,
            "y": numbers(shares[column]),
            "width": width,
            "name": name,
            "marker": {"color": SERIES[i]},
            "opacity": 0.6,
        }
        for i, (column, name) in enumerate((("reference_share", "reference"), ("current_share", "current window")))
    ]
    return frame(
        title,
        revision,
        axis("share of rows", tickformat=".0%"),
        bars,
        xaxis=axis(f"{feature} (value)"),
        template=LEAN_TEMPLATE,
        barmode="overlay",
        hovermode="x unified",
    )


BUCKET_NAMES = {"__other__": "other", "__missing__": "missing"}


def make_category_figure(shares: pd.DataFrame, feature: str, revision: str = "") -> go.Figure:
    """A categorical feature: share of reference and of current rows per category (the reference's top
    categories, then "other" and "missing"), side by side."""
    title = f"Distribution: {feature}"
    if shares.empty:
        return empty_figure(title, "Pick a feature; it needs a reference sample and values in this window")
    labels = [BUCKET_NAMES.get(b, b) for b in shares["bucket"]]
    bars = [
        {"type": "bar", "x": labels, "y": numbers(shares[column]), "name": name, "marker": {"color": SERIES[i]}}
        for i, (column, name) in enumerate((("reference_share", "reference"), ("current_share", "current window")))
    ]
    return frame(
        title,
        revision,
        axis("share of rows", tickformat=".0%"),
        bars,
        xaxis=axis(f"{feature} (category)", type="category"),
        template=LEAN_TEMPLATE,
        barmode="group",
        hovermode="x unified",
    )


def make_score_drift_figure(series: pd.DataFrame, bands: Bands, revision: str = "") -> go.Figure:
    """The model score's PSI and KS statistic over time, with the PSI thresholds."""
    score = series[series["feature"] == SCORE] if not series.empty else series
    if score.empty:
        return empty_figure("Score drift", NO_DRIFT)
    if nothing_to_draw(score[["psi", "ks_statistic"]]):
        return empty_figure("Score drift", TOO_FEW)
    fig = frame(
        "Score drift",
        revision,
        axis("PSI / KS statistic", rangemode="tozero"),
        [
            line(score["ts"], score["psi"], "PSI", SERIES[0]),
            line(score["ts"], score["ks_statistic"], "KS statistic", SERIES[1], line={"dash": "dash"}),
        ],
        xaxis=TIME,
        template=LEAN_TEMPLATE,
    )
    marks = [
        hline(level, f"PSI {name}", {"color": "#adb5bd", "dash": "dot"})
        for level, name in zip(bands, ("moderate", "significant"), strict=True)
    ]
    return decorate(fig, [shape for shape, _ in marks], [note for _, note in marks])
