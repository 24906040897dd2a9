"""Pure figure builders of the Predictions page: DataFrames in, go.Figure out. No I/O.

Series frames come from data/queries/predictions.py (latencies in seconds, charted in ms).
Each live chart takes a `revision` (range key + model) as its uirevision. Traces are plain dicts
given to fast_figure.frame: fig.add_scatter validates each trace (~10 ms apiece here).
With `earlier` (dashboard/compare.py) a chart overlays the same range a day or a week back.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from dashboard.compare import EARLIER_TIME, Earlier, earlier_line, note_margin, titled
from dashboard.fast_figure import LEAN_TEMPLATE, Column, axis, frame, numbers, times
from dashboard.figures import empty_figure
from dashboard.theme import FIGURE_LAYOUT, SERIES

if TYPE_CHECKING:
    import pandas as pd

NO_PREDICTIONS = "No predictions in this range yet:<br>the built-in workload sends ~20/s, or POST /api/predictions"
NO_LATENCIES = "No successful predictions in this range yet,<br>so there are no latencies to show"
PERCENTILES = {"p50": "dot", "p95": "solid", "p99": "dash"}  # column -> line dash
# Error kinds keep their colour when another kind appears; others take the series colours.
ERROR_COLORS = {"validation_error": "#6f42c1", "model_error": "#fd7e14", "timeout": "#dc3545"}
BIN_STEP = 10**0.1  # latency_histogram's bins are a tenth of a decade wide
SIDE_LEGEND = {
    "legend": {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"},
    "margin": {**FIGURE_LAYOUT["margin"], "r": 150},
}  # many series: list them beside the plot


PERCENT = axis("%", range=[0, 100], ticksuffix=" %")
# Only the trace types drawn here in each figure's template (the whole plotly_white cost ~3 ms a figure).
_frame = partial(frame, template=LEAN_TEMPLATE)


def _compare_layout(earlier: Earlier | None, legend_x: float = 1.02, right: int = 150) -> dict:
    """Comparing doubles the series: list them beside the plot (a top legend would wrap over the title),
    and leave room for the no-data note under the title."""
    if earlier is None:
        return {}
    return {
        "legend": {**SIDE_LEGEND["legend"], "x": legend_x},
        "margin": {**FIGURE_LAYOUT["margin"], "r": right, **note_margin(earlier)},
    }


def _colors(models: Iterable[object]) -> dict[str, str]:
    """One colour per model (by name), stable for a given set of models across the page's charts."""
    return {model: SERIES[i % len(SERIES)] for i, model in enumerate(sorted(str(m) for m in models))}


def _line(x: Column, y: Column, name: str, **options: Any) -> dict:
    return {"type": "scatter", "x": times(x), "y": numbers(y), "name": name, "mode": "lines", **options}


def _earlier_lines(
    earlier: Earlier | None, column: str, colors: dict[str, str], suffix: str = "", scale: float = 1.0, **line: object
) -> list[dict]:
    """One dotted line per model of the earlier period's `column`."""
    if earlier is None or earlier.empty:
        return []
    return [
        earlier_line(part, column, f"{model}{suffix}", earlier, colors.get(str(model), SERIES[6]), scale, **line)
        for model, part in earlier.frame.groupby("model", sort=True)
    ]


def _in_flight_axis(in_flight: pd.DataFrame) -> dict:
    """The right-hand axis of whole requests in flight (no fractional ticks)."""
    peak = int(in_flight["in_flight"].max()) if not in_flight.empty else 0
    return axis(
        "in flight (requests)",
        overlaying="y",
        side="right",
        rangemode="tozero",
        showgrid=False,
        tickformat=",d",
        dtick=max(1, peak // 4),
    )


def make_throughput_figure(
    series: pd.DataFrame, in_flight: pd.DataFrame, revision: str = "", earlier: Earlier | None = None
) -> go.Figure:
    """Requests/s per model, and the requests in flight on a secondary axis."""
    if series.empty:
        return empty_figure("Throughput", NO_PREDICTIONS)
    colors = _colors(series["model"].unique())
    traces = [
        _line(part["ts"], part["requests_per_second"], str(model), line={"color": colors[str(model)]})
        for model, part in series.groupby("model", sort=True)
    ]
    if not in_flight.empty:
        traces.append(
            _line(
                in_flight["ts"],
                in_flight["in_flight"],
                "in flight",
                yaxis="y2",
                opacity=0.8,
                line={"color": SERIES[6], "width": 1, "shape": "hv"},
            )
        )
    traces += _earlier_lines(earlier, "requests_per_second", colors)
    return _frame(
        titled("Throughput", earlier),
        revision,
        axis("requests/s", rangemode="tozero"),
        traces,
        yaxis2=_in_flight_axis(in_flight),
        **{"margin": {**FIGURE_LAYOUT["margin"], "r": 60}, **_compare_layout(earlier, 1.16, 210)},
    )


def make_latency_histogram_figure(histogram: pd.DataFrame, revision: str = "", earlier: Earlier | None = None) -> go.Figure:
    """Counts of successful-request latencies in log-spaced bins (`latency_ms` is a bin's lower edge);
    the earlier period's distribution as outlined bars."""
    if histogram.empty:
        return empty_figure("Latency distribution", NO_LATENCIES)
    colors = _colors(histogram["model"].unique())
    traces = [
        _bars(part, str(model), {"color": colors[str(model)]}, 0.6) for model, part in histogram.groupby("model", sort=True)
    ]
    if earlier is not None and not earlier.empty:
        traces += [
            _bars(
                part,
                f"{model} ({earlier.label})",
                {"color": "rgba(0,0,0,0)", "line": {"color": colors.get(str(model), SERIES[6]), "width": 1.5}},
                1.0,
            )
            for model, part in earlier.frame.groupby("model", sort=True)
        ]
    return _frame(
        titled("Latency distribution", earlier),
        revision,
        axis("requests", rangemode="tozero"),
        traces,
        xaxis=axis("latency (ms)", type="log"),
        barmode="overlay",
        hovermode="closest",
        **_compare_layout(earlier),
    )


def _bars(part: pd.DataFrame, name: str, marker: dict, opacity: float) -> dict:
    # Bars sit and size in linear units even on a log axis: span each bin [edge, edge * STEP].
    edges = part["latency_ms"]
    return {
        "type": "bar",
        "x": edges * (1 + BIN_STEP) / 2,
        "width": edges * (BIN_STEP - 1),
        "y": part["requests"],
        "name": name,
        "marker": marker,
        "opacity": opacity,
        "customdata": edges,
        "hovertemplate": "%{customdata:.3g} ms and up: %{y}",
    }


def make_latency_figure(series: pd.DataFrame, revision: str = "", earlier: Earlier | None = None) -> go.Figure:
    """p50, p95 and p99 latency of successful requests per model over time."""
    if series.empty or series[list(PERCENTILES)].isna().all().all():
        return empty_figure("Latency percentiles", NO_LATENCIES if not series.empty else NO_PREDICTIONS)
    colors = _colors(series["model"].unique())
    traces = [
        _line(
            part["ts"],
            part[column] * 1000,
            f"{model} {column}",
            line={"color": colors[str(model)], "dash": dash, "width": 2 if column == "p95" else 1},
        )
        for model, part in series.groupby("model", sort=True)
        for column, dash in PERCENTILES.items()
    ]
    for column, dash in PERCENTILES.items():  # earlier lines keep each percentile's dash, dimmed
        traces += _earlier_lines(earlier, column, colors, f" {column}", 1000, dash=dash)
    return _frame(
        titled("Latency percentiles", earlier),
        revision,
        axis("latency (ms)", rangemode="tozero"),
        traces,
        **{**SIDE_LEGEND, **_compare_layout(earlier)},
    )


def make_error_figure(
    errors: pd.DataFrame, buckets: Collection[Any], revision: str = "", earlier: Earlier | None = None
) -> go.Figure:
    """The share of requests that failed, stacked by error kind, over every bucket with requests; with
    `earlier` (the earlier throughput series) the earlier period's total error rate as a dotted line."""
    import pandas as pd

    if len(buckets) == 0:
        return empty_figure("Errors by kind", NO_PREDICTIONS)
    index = pd.Index(sorted(set(buckets)), name="ts")
    if errors.empty:
        traces = [_line(index, [0.0] * len(index), "no errors", line={"color": SERIES[7]})]
    else:
        # groupby + unstack: the same table as pivot_table at a fraction of its cost (~16 ms a call here)
        wide = errors.groupby(["ts", "error_kind"], sort=True)["error_percent"].sum().unstack("error_kind")
        wide = wide.reindex(index.union(wide.index), fill_value=0.0).fillna(0.0)
        traces = [
            _line(
                wide.index,
                wide[kind],
                str(kind),
                stackgroup="errors",
                line={"color": ERROR_COLORS.get(kind, SERIES[i % len(SERIES)]), "width": 1},
            )
            for i, kind in enumerate(sorted(wide.columns))
        ]
    if earlier is not None and not earlier.empty:
        traces.append(earlier_line(error_rate(earlier.frame), "error_percent", "error rate", earlier, SERIES[6], 1.0))
    return _frame(
        titled("Errors by kind", earlier),
        revision,
        axis("% of requests", ticksuffix=" %", rangemode="tozero"),
        traces,
        **_compare_layout(earlier),
    )


def error_rate(series: pd.DataFrame) -> pd.DataFrame:
    """All models' share of failed requests per bucket (percent) of a throughput series."""
    keys = ["ts", EARLIER_TIME] if EARLIER_TIME in series else ["ts"]
    total = series.groupby(keys, sort=True)[["requests_per_second", "errors_per_second"]].sum().reset_index()
    rate = 100.0 * total["errors_per_second"] / total["requests_per_second"].where(total["requests_per_second"] > 0)
    return total.assign(error_percent=rate)


def make_success_figure(success: pd.DataFrame, revision: str = "", earlier: Earlier | None = None) -> go.Figure:
    """Success rate among predictions whose labels have arrived, and the labelled share, per model."""
    if success.empty:
        return empty_figure("Success rate", NO_PREDICTIONS)
    colors = _colors(success["model"].unique())
    traces = []
    for model, part in success.groupby("model", sort=True):
        traces += [
            _line(part["ts"], part["success_percent"], f"{model} success", line={"color": colors[str(model)], "width": 2}),
            _line(
                part["ts"],
                part["labelled_percent"],
                f"{model} labelled",
                line={"color": colors[str(model)], "width": 1, "dash": "dot"},
            ),
        ]
    traces += _earlier_lines(earlier, "success_percent", colors, " success", dash="dashdot")
    return _frame(
        titled("Success rate as labels arrive", earlier), revision, PERCENT, traces, **{**SIDE_LEGEND, **_compare_layout(earlier)}
    )
