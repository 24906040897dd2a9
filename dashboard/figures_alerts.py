"""Pure figure builders of the Alerts page: the incident timeline and the backtest chart.
Built unvalidated (dashboard/fast_figure.py); the unit tests validate them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from dashboard.alert_shading import add_alert_periods
from dashboard.fast_figure import LEAN_TEMPLATE, axis, decorate, frame, hline, line, times
from dashboard.figures import empty_figure
from dashboard.theme import SERIES, STATUS_HEX

if TYPE_CHECKING:
    import pandas as pd

MAX_POINTS = 2000  # a chart is ~1000 px wide: a 7 d replay of 1 s samples (600k points) took seconds to send


def thinned(series: pd.DataFrame, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """At most `max_points` rows, in time order: each of max_points / 2 equal runs keeps its lowest and its
    highest value, so every excursion across a threshold still shows."""
    import pandas as pd

    if len(series) <= max_points:
        return series
    values = series["value"].to_numpy(dtype=float)
    run = np.arange(len(values)) * (max_points // 2) // len(values)
    missing = np.isnan(values)  # never picked while its run has a value
    lows = pd.Series(np.where(missing, np.inf, values)).groupby(run).idxmin().to_numpy()  # O(n), no sort
    highs = pd.Series(np.where(missing, -np.inf, values)).groupby(run).idxmax().to_numpy()
    return series.iloc[np.unique(np.concatenate([lows, highs]))]


def _bars(part: pd.DataFrame) -> tuple[np.ndarray, list[object]]:
    """Each period as start, end, gap: one trace draws every bar of a severity."""
    n = len(part)
    xs = np.full(3 * n, None, dtype=object)
    xs[0::3], xs[1::3] = times(part["start"]), times(part["end"])
    ys: list[object] = []
    for rule in part["rule"]:
        ys += [rule, rule, None]
    return xs, ys


def make_alert_timeline_figure(periods: pd.DataFrame, revision: str = "") -> go.Figure:
    """One row per rule, a bar from each firing to its resolve (to now while still firing)."""
    if periods.empty:
        return empty_figure(
            "Incidents",
            "No alert fired in this range: every rule's condition stayed below its threshold (or was not held for its duration)",
        )
    traces = []
    for severity, part in periods.groupby("severity", sort=True):
        xs, ys = _bars(part)
        traces.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "name": str(severity),
                "mode": "lines+markers",
                "line": {"color": STATUS_HEX.get(str(severity), STATUS_HEX["unknown"]), "width": 12},
                "marker": {"size": 4},
                "connectgaps": False,
            }
        )
    return frame(
        "Incidents", revision, axis("rule", type="category", categoryorder="category descending"), traces, template=LEAN_TEMPLATE
    )


def make_backtest_figure(
    series: pd.DataFrame,
    periods: Sequence[tuple[datetime, datetime]],
    threshold: float,
    title: str,
    unit: str,
    revision: str = "",
) -> go.Figure:
    """The rule's metric over the range (thinned to MAX_POINTS), its threshold, and the periods it would
    have fired shaded."""
    import pandas as pd

    if series.empty:
        return empty_figure(title, "No stored samples of this metric in the range: nothing to replay")
    points = thinned(series)
    fig = frame(
        title,
        revision,
        axis(unit, rangemode="tozero"),
        [line(points["ts"], points["value"], "value", SERIES[0])],
        template=LEAN_TEMPLATE,
    )
    shape, note = hline(threshold, f"threshold {threshold:g} {unit}", {"color": STATUS_HEX["critical"], "dash": "dash"})
    decorate(fig, [shape], [note])
    shaded = pd.DataFrame(
        [{"start": a, "end": b, "severity": "critical", "rule": "would fire"} for a, b in periods],
        columns=["start", "end", "severity", "rule"],
    )
    return add_alert_periods(fig, shaded)
