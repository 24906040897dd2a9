"""The Drift page's multivariate chart: a model's PCA reconstruction error over time inside its reference
band (answers/multivariate.py), windows outside the band marked. DataFrame in, go.Figure out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from dashboard.fast_figure import LEAN_TEMPLATE, TIME, axis, frame, line, nothing_to_draw, numbers, times
from dashboard.figures import empty_figure
from dashboard.theme import SERIES

if TYPE_CHECKING:
    import pandas as pd

TITLE = "Multivariate drift (PCA reconstruction error)"
NO_RESULTS = (
    "No multivariate drift yet: it needs a reference sample with two or more numeric features<br>"
    "and an evaluation window of a minute or more"
)
TOO_FEW = "Too few complete rows in these windows:<br>each needs at least a reference chunk's rows (a tenth of the reference)"
BAND_FILL = "rgba(108, 117, 125, 0.18)"
DRIFT_MARK = "#dc3545"


def make_multivariate_figure(series: pd.DataFrame, revision: str = "") -> go.Figure:
    """Columns ts, error, band_low, band_high, verdict: the error as a line, the band shaded behind it."""
    if series.empty:
        return empty_figure(TITLE, NO_RESULTS)
    if nothing_to_draw(series["error"]):
        return empty_figure(TITLE, TOO_FEW)
    band = [
        line(series["ts"], series["band_low"], "band (reference mean - 3 sd)", BAND_FILL, hoverinfo="skip", showlegend=False),
        line(series["ts"], series["band_high"], "reference band (mean +- 3 sd)", BAND_FILL, fill="tonexty", fillcolor=BAND_FILL),
    ]
    outside = series[series["verdict"] == "drift"]
    marks = {
        "type": "scatter",
        "x": times(outside["ts"]),
        "y": numbers(outside["error"]),
        "name": "outside the band",
        "mode": "markers",
        "marker": {"color": DRIFT_MARK, "size": 8},
    }
    error = line(series["ts"], series["error"], "reconstruction error", SERIES[0], mode="lines+markers", marker={"size": 4})
    return frame(
        TITLE,
        revision,
        axis("mean squared error (standardised)", rangemode="tozero"),
        [*band, error, marks],
        xaxis=TIME,
        template=LEAN_TEMPLATE,
    )
