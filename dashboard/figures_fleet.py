"""Pure builders of the fleet charts: one line per instance (and per metric), from the long frame
that external/fleet.py returns (columns ts, instance, metric, value). Built unvalidated
(dashboard/fast_figure.py); the unit tests validate them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from dashboard.fast_figure import LEAN_TEMPLATE, line
from dashboard.fast_figure import frame as new_frame
from dashboard.figures import empty_figure
from dashboard.theme import SERIES

if TYPE_CHECKING:
    import pandas as pd

DASHES = ("solid", "dash", "dot", "dashdot")


def _axis(yaxis: Mapping[str, object]) -> dict:
    """Callers pass plotly.py's shorthand (title="..."); plotly.js 3 reads only {"text": ...}."""
    options = dict(yaxis)
    if isinstance(options.get("title"), str):
        options["title"] = {"text": options["title"]}
    return options


def make_fleet_figure(
    frame: pd.DataFrame,
    title: str,
    metrics: Mapping[str, str],
    yaxis: Mapping[str, object],
    revision: str = "",
    empty: str = "No instance reported these metrics in this range",
) -> go.Figure:
    """`metrics` maps a metric name to its legend suffix; each instance keeps one colour, each metric a dash."""
    part = frame[frame["metric"].isin(list(metrics))] if not frame.empty else frame
    if part.empty:
        return empty_figure(title, empty)
    traces = []
    for i, (instance, rows) in enumerate(part.sort_values("ts", kind="stable").groupby("instance", sort=True)):
        by_metric = dict(tuple(rows.groupby("metric", sort=False)))
        for j, (metric, label) in enumerate(metrics.items()):
            if metric in by_metric:
                traces.append(
                    line(
                        by_metric[metric]["ts"],
                        by_metric[metric]["value"],
                        f"{instance} {label}".strip(),
                        SERIES[i % len(SERIES)],
                        line={"dash": DASHES[j % len(DASHES)]},
                    )
                )
    return new_frame(title, revision, _axis(yaxis), traces, template=LEAN_TEMPLATE)
