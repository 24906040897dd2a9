"""Pure builders of the fleet charts: one line per instance (and per metric), from the long frame
that data/fleet.py returns (columns ts, instance, metric, value)."""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import TIME_AXIS, empty_figure
from dashboard.theme import FIGURE_LAYOUT, SERIES

DASHES = ("solid", "dash", "dot", "dashdot")


def make_fleet_figure(frame: pd.DataFrame, title: str, metrics: Mapping[str, str], yaxis: Mapping[str, object],
                      revision: str = "", empty: str = "No instance reported these metrics in this range") -> go.Figure:
    """`metrics` maps a metric name to its legend suffix; each instance keeps one colour, each metric a dash."""
    part = frame[frame["metric"].isin(list(metrics))] if not frame.empty else frame
    if part.empty:
        return empty_figure(title, empty)
    fig = go.Figure()
    fig.update_layout(**FIGURE_LAYOUT, title=title, uirevision=revision, xaxis=TIME_AXIS, yaxis=dict(yaxis))
    instances = sorted(part["instance"].unique())
    for i, instance in enumerate(instances):
        for j, (metric, label) in enumerate(metrics.items()):
            rows = part[(part["instance"] == instance) & (part["metric"] == metric)].sort_values("ts")
            if rows.empty:
                continue
            name = f"{instance} {label}".strip()
            fig.add_scatter(x=rows["ts"], y=rows["value"], name=name, mode="lines",
                            line=dict(color=SERIES[i % len(SERIES)], dash=DASHES[j % len(DASHES)]))
    return fig
