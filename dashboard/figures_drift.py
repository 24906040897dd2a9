"""Pure figure builders of the Drift page: a feature x time PSI heatmap, reference vs current
distribution of one feature, and the score's drift over time. DataFrames in, go.Figure out."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import TIME_AXIS, empty_figure
from dashboard.theme import FIGURE_LAYOUT, SERIES

PSI_MODERATE, PSI_SIGNIFICANT = 0.1, 0.25  # as analytics.drift; dashboard imports no other project folder
SCORE = "__score__"
# Green below 0.1, amber to 0.25, red beyond (the colour scale spans PSI 0..0.5).
PSI_COLORS = [[0.0, "#e9f7ef"], [0.2, "#a3d9b1"], [0.2, "#ffe08a"], [0.5, "#fd9843"], [0.5, "#e35d6a"],
              [1.0, "#842029"]]
NO_DRIFT = "No drift results yet: the evaluation job compares each window with the model's reference sample"


def _frame(title: str, revision: str, xaxis: dict, yaxis: dict) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(**FIGURE_LAYOUT, title=title, uirevision=revision, xaxis=xaxis, yaxis=yaxis)
    return fig


def make_psi_heatmap_figure(series: pd.DataFrame, revision: str = "") -> go.Figure:
    """PSI of every input feature (rows) at every evaluation (columns); gaps mean too few rows."""
    features = series[series["feature"] != SCORE] if not series.empty else series
    if features.empty:
        return empty_figure("PSI by feature over time", NO_DRIFT)
    grid = features.pivot_table(index="feature", columns="ts", values="psi", aggfunc="last", dropna=False)
    fig = _frame("PSI by feature over time", revision, TIME_AXIS, dict(title="feature", type="category"))
    fig.add_heatmap(z=grid.to_numpy(), x=list(grid.columns), y=list(grid.index), zmin=0, zmax=0.5,
                    colorscale=PSI_COLORS, colorbar=dict(title="PSI"), hoverongaps=False,
                    hovertemplate="%{y} at %{x}: PSI %{z:.3f}<extra></extra>")
    fig.update_layout(height=420, hovermode="closest")
    return fig


def make_distribution_figure(shares: pd.DataFrame | None, feature: str | None, revision: str = "") -> go.Figure:
    """Share of reference and of current values per bin of the selected feature, overlaid."""
    title = f"Distribution: {feature}" if feature else "Distribution"
    if feature is None or shares is None or shares.empty:
        return empty_figure(title, "Pick a feature; it needs a reference sample and values in this window")
    centres = (shares["bin_start"] + shares["bin_end"]) / 2
    width = float((shares["bin_end"] - shares["bin_start"]).iloc[0])
    fig = _frame(title, revision, dict(title=f"{feature} (value)"), dict(title="share of rows", tickformat=".0%"))
    for i, (column, name) in enumerate((("reference_share", "reference"), ("current_share", "current window"))):
        fig.add_bar(x=centres, y=shares[column], width=width, name=name, marker_color=SERIES[i], opacity=0.6)
    fig.update_layout(barmode="overlay", hovermode="x unified")
    return fig


def make_score_drift_figure(series: pd.DataFrame, revision: str = "") -> go.Figure:
    """The model score's PSI and KS statistic over time, with the PSI thresholds."""
    score = series[series["feature"] == SCORE] if not series.empty else series
    if score.empty:
        return empty_figure("Score drift", NO_DRIFT)
    fig = _frame("Score drift", revision, TIME_AXIS, dict(title="PSI / KS statistic", rangemode="tozero"))
    fig.add_scatter(x=score["ts"], y=score["psi"], name="PSI", mode="lines", line=dict(color=SERIES[0]))
    fig.add_scatter(x=score["ts"], y=score["ks_statistic"], name="KS statistic", mode="lines",
                    line=dict(color=SERIES[1], dash="dash"))
    for level, name in ((PSI_MODERATE, "moderate"), (PSI_SIGNIFICANT, "significant")):
        fig.add_hline(y=level, line=dict(color="#adb5bd", dash="dot"), annotation_text=f"PSI {name}")
    return fig
