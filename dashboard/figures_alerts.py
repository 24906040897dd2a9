"""Pure figure builders of the Alerts page: the incident timeline and the backtest chart."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
import plotly.graph_objects as go

from dashboard.alert_shading import add_alert_periods
from dashboard.figures import TIME_AXIS, empty_figure
from dashboard.theme import FIGURE_LAYOUT, SERIES, STATUS_HEX


def make_alert_timeline_figure(periods: pd.DataFrame, revision: str = "") -> go.Figure:
    """One row per rule, a bar from each firing to its resolve (to now while still firing)."""
    if periods.empty:
        return empty_figure("Incidents", "No alert fired in this range: every rule's condition stayed below "
                                         "its threshold (or was not held for its duration)")
    fig = go.Figure()
    fig.update_layout(**FIGURE_LAYOUT, title="Incidents", uirevision=revision, xaxis=TIME_AXIS,
                      yaxis=dict(title="rule", type="category", categoryorder="category descending"))
    for severity, part in periods.groupby("severity", sort=True):
        xs: list[object] = []
        ys: list[object] = []
        for row in part.itertuples(index=False):
            xs += [row.start, row.end, None]
            ys += [row.rule, row.rule, None]
        fig.add_scatter(x=xs, y=ys, name=str(severity), mode="lines+markers",
                        line=dict(color=STATUS_HEX.get(str(severity), STATUS_HEX["unknown"]), width=12),
                        marker=dict(size=4), connectgaps=False)
    return fig


def make_backtest_figure(series: pd.DataFrame, periods: Sequence[tuple[datetime, datetime]], threshold: float,
                         title: str, unit: str, revision: str = "") -> go.Figure:
    """The rule's metric over the range, its threshold, and the periods it would have fired shaded."""
    if series.empty:
        return empty_figure(title, "No stored samples of this metric in the range: nothing to replay")
    fig = go.Figure()
    fig.update_layout(**FIGURE_LAYOUT, title=title, uirevision=revision, xaxis=TIME_AXIS,
                      yaxis=dict(title=unit, rangemode="tozero"))
    fig.add_scatter(x=series["ts"], y=series["value"], name="value", mode="lines", line=dict(color=SERIES[0]))
    fig.add_hline(y=threshold, line=dict(color=STATUS_HEX["critical"], dash="dash"),
                  annotation_text=f"threshold {threshold:g} {unit}", annotation_position="top right")
    shaded = pd.DataFrame([{"start": a, "end": b, "severity": "critical", "rule": "would fire"} for a, b in periods])
    return add_alert_periods(fig, shaded)
