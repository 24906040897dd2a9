"""Alert periods drawn as shaded regions behind a time-series chart (pure: figure in, figure out)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from dashboard.fast_figure import decorate, times
from dashboard.theme import STATUS_HEX

if TYPE_CHECKING:
    import pandas as pd

SHADE_OPACITY = 0.15


def period_marks(periods: pd.DataFrame) -> tuple[list[dict], list[dict]]:
    """Each period as the rectangle and label go.Figure.add_vrect(annotation_position="top left") draws,
    as plain dicts: add_vrect validated both, ~70 ms a period."""
    shapes, notes = [], []
    starts, ends = times(periods["start"]), times(periods["end"])
    for start, end, severity, rule in zip(starts, ends, periods["severity"], periods["rule"], strict=True):
        color = STATUS_HEX.get(severity, STATUS_HEX["unknown"])
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "x0": start,
                "x1": end,
                "yref": "y domain",
                "y0": 0,
                "y1": 1,
                "fillcolor": color,
                "opacity": SHADE_OPACITY,
                "layer": "below",
                "line": {"width": 0},
                "name": f"alert {rule}",
            }
        )
        notes.append(
            {
                "text": str(rule),
                "showarrow": False,
                "xref": "x",
                "x": start,
                "xanchor": "left",
                "yref": "y domain",
                "y": 1,
                "yanchor": "top",
                "font": {"size": 10, "color": color},
            }
        )
    return shapes, notes


def add_alert_periods(fig: go.Figure, periods: pd.DataFrame) -> go.Figure:
    """Shade each period (columns start, end, severity, rule) in its severity's colour, labelled with
    the rule. A chart without data (an empty state) is left as it is: there is no time axis to shade."""
    if periods is None or periods.empty or fig.layout.xaxis.visible is False:
        return fig
    return decorate(fig, *period_marks(periods))


def periods_for(periods: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The periods of the rules that watch `metric`."""
    if periods is None or periods.empty:
        return periods
    return periods[periods["metric"] == metric]
