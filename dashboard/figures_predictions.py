"""Pure figure builders of the Predictions page: DataFrames in, go.Figure out. No I/O.

Series frames come from data/queries/predictions.py (latencies in seconds, charted in ms).
Each live chart takes a `revision` (range key + model) as its uirevision.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from dashboard.fast_figure import axis, frame
from dashboard.figures import empty_figure
from dashboard.theme import FIGURE_LAYOUT, SERIES

NO_PREDICTIONS = ("No predictions in this range yet:<br>"
                  "the built-in workload sends ~20/s, or POST /api/predictions")
NO_LATENCIES = "No successful predictions in this range yet,<br>so there are no latencies to show"
PERCENTILES = {"p50": "dot", "p95": "solid", "p99": "dash"}  # column -> line dash
# Error kinds keep their colour when another kind appears; others take the series colours.
ERROR_COLORS = {"validation_error": "#6f42c1", "model_error": "#fd7e14", "timeout": "#dc3545"}
BIN_STEP = 10 ** 0.1  # latency_histogram's bins are a tenth of a decade wide
SIDE_LEGEND = {"legend": {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"},
               "margin": {**FIGURE_LAYOUT["margin"], "r": 150}}  # many series: list them beside the plot


PERCENT = axis("%", range=[0, 100], ticksuffix=" %")


def _colors(models: Sequence[str]) -> dict[str, str]:
    """One colour per model, stable for a given set of models across the page's charts."""
    return {model: SERIES[i % len(SERIES)] for i, model in enumerate(sorted(models))}


def _in_flight_axis(in_flight: pd.DataFrame) -> dict:
    """The right-hand axis of whole requests in flight (no fractional ticks)."""
    peak = int(in_flight["in_flight"].max()) if not in_flight.empty else 0
    return axis("in flight (requests)", overlaying="y", side="right", rangemode="tozero", showgrid=False,
                tickformat=",d", dtick=max(1, peak // 4))


def make_throughput_figure(series: pd.DataFrame, in_flight: pd.DataFrame, revision: str = "") -> go.Figure:
    """Requests/s per model, and the requests in flight on a secondary axis."""
    if series.empty:
        return empty_figure("Throughput", NO_PREDICTIONS)
    fig = frame("Throughput", revision, axis("requests/s", rangemode="tozero"), yaxis2=_in_flight_axis(in_flight),
                 margin={**FIGURE_LAYOUT["margin"], "r": 60})
    colors = _colors(series["model"].unique())
    for model, part in series.groupby("model", sort=True):
        fig.add_scatter(x=part["ts"], y=part["requests_per_second"], name=str(model), mode="lines",
                        line=dict(color=colors[model]))
    if not in_flight.empty:
        fig.add_scatter(x=in_flight["ts"], y=in_flight["in_flight"], name="in flight", mode="lines", yaxis="y2",
                        line=dict(color=SERIES[6], width=1, shape="hv"), opacity=0.8)
    return fig


def make_latency_histogram_figure(histogram: pd.DataFrame, revision: str = "") -> go.Figure:
    """Counts of successful-request latencies in log-spaced bins (`latency_ms` is a bin's lower edge)."""
    if histogram.empty:
        return empty_figure("Latency distribution", NO_LATENCIES)
    fig = frame("Latency distribution", revision, axis("requests", rangemode="tozero"),
                 xaxis=axis("latency (ms)", type="log"), barmode="overlay", hovermode="closest")
    colors = _colors(histogram["model"].unique())
    for model, part in histogram.groupby("model", sort=True):
        edges = part["latency_ms"]
        # Bars sit and size in linear units even on a log axis: span each bin [edge, edge * STEP].
        fig.add_bar(x=edges * (1 + BIN_STEP) / 2, width=edges * (BIN_STEP - 1), y=part["requests"], name=str(model),
                    marker_color=colors[model], opacity=0.6, customdata=edges,
                    hovertemplate="%{customdata:.3g} ms and up: %{y}")
    return fig


def make_latency_figure(series: pd.DataFrame, revision: str = "") -> go.Figure:
    """p50, p95 and p99 latency of successful requests per model over time."""
    if series.empty or series[list(PERCENTILES)].isna().all().all():
        return empty_figure("Latency percentiles", NO_LATENCIES if not series.empty else NO_PREDICTIONS)
    fig = frame("Latency percentiles", revision, axis("latency (ms)", rangemode="tozero"), **SIDE_LEGEND)
    colors = _colors(series["model"].unique())
    for model, part in series.groupby("model", sort=True):
        for column, dash in PERCENTILES.items():
            fig.add_scatter(x=part["ts"], y=part[column] * 1000, name=f"{model} {column}", mode="lines",
                            line=dict(color=colors[model], dash=dash, width=2 if column == "p95" else 1))
    return fig


def make_error_figure(errors: pd.DataFrame, buckets: Sequence, revision: str = "") -> go.Figure:
    """The share of requests that failed, stacked by error kind, over every bucket with requests."""
    if len(buckets) == 0:
        return empty_figure("Errors by kind", NO_PREDICTIONS)
    index = pd.Index(sorted(set(buckets)), name="ts")
    fig = frame("Errors by kind", revision, axis("% of requests", ticksuffix=" %", rangemode="tozero"))
    if errors.empty:
        fig.add_scatter(x=index, y=[0.0] * len(index), name="no errors", mode="lines", line=dict(color=SERIES[7]))
        return fig
    wide = errors.pivot_table(index="ts", columns="error_kind", values="error_percent", aggfunc="sum")
    wide = wide.reindex(index.union(wide.index), fill_value=0.0).fillna(0.0)
    for i, kind in enumerate(sorted(wide.columns)):
        fig.add_scatter(x=wide.index, y=wide[kind], name=str(kind), mode="lines", stackgroup="errors",
                        line=dict(color=ERROR_COLORS.get(kind, SERIES[i % len(SERIES)]), width=1))
    return fig


def make_success_figure(success: pd.DataFrame, revision: str = "") -> go.Figure:
    """Success rate among predictions whose labels have arrived, and the labelled share, per model."""
    if success.empty:
        return empty_figure("Success rate", NO_PREDICTIONS)
    fig = frame("Success rate as labels arrive", revision, PERCENT, **SIDE_LEGEND)
    colors = _colors(success["model"].unique())
    for model, part in success.groupby("model", sort=True):
        fig.add_scatter(x=part["ts"], y=part["success_percent"], name=f"{model} success", mode="lines",
                        line=dict(color=colors[model], width=2))
        fig.add_scatter(x=part["ts"], y=part["labelled_percent"], name=f"{model} labelled", mode="lines",
                        line=dict(color=colors[model], width=1, dash="dot"))
    return fig
