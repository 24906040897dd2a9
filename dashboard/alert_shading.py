"""Alert periods drawn as shaded regions behind a time-series chart (pure: figure in, figure out)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.theme import STATUS_HEX

SHADE_OPACITY = 0.15


def add_alert_periods(fig: go.Figure, periods: pd.DataFrame) -> go.Figure:
    """Shade each period (columns start, end, severity, rule) in its severity's colour, labelled with
    the rule. A chart without data (an empty state) is left as it is: there is no time axis to shade."""
    if periods is None or periods.empty or fig.layout.xaxis.visible is False:
        return fig
    for row in periods.itertuples(index=False):
        fig.add_vrect(x0=row.start, x1=row.end, fillcolor=STATUS_HEX.get(row.severity, STATUS_HEX["unknown"]),
                      opacity=SHADE_OPACITY, layer="below", line_width=0, name=f"alert {row.rule}",
                      annotation_text=str(row.rule), annotation_position="top left",
                      annotation_font=dict(size=10, color=STATUS_HEX.get(row.severity, STATUS_HEX["unknown"])))
    return fig


def periods_for(periods: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The periods of the rules that watch `metric`."""
    if periods is None or periods.empty:
        return periods
    return periods[periods["metric"] == metric]
