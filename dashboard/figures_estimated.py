"""The Model page's "estimated vs realized" chart: per evaluation, the accuracy and AUC estimated from the
calibrated scores of the labelled rows, shaded with their band (+- BAND standard errors), beside the
realized figures on the same rows, and the estimate over all the window's rows (labelled or not) dashed.
A realized line leaving its band is the estimator's error (calibration broke). DataFrame in, figure out."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go

from dashboard.fast_figure import LEAN_TEMPLATE, axis, frame, nothing_to_draw, numbers, times
from dashboard.figures import empty_figure
from dashboard.theme import SERIES

if TYPE_CHECKING:
    import pandas as pd

BAND = 2.0  # standard errors each side: about a 95 % band
FIGURES = {"accuracy": "accuracy", "auc": "AUC"}
_frame = partial(frame, template=LEAN_TEMPLATE)


def _band(x: np.ndarray, estimate: pd.Series, se: pd.Series, name: str, color: str) -> list[dict[str, Any]]:
    """The band as two lines, the upper filled down to the lower (gaps stay gaps)."""
    low, high = numbers(estimate - BAND * se), numbers(estimate + BAND * se)
    common = {"type": "scatter", "x": x, "mode": "lines", "line": {"width": 0, "color": color}, "connectgaps": False}
    return [
        {**common, "y": low, "name": f"{name} band", "showlegend": False, "hoverinfo": "skip"},
        {**common, "y": high, "name": f"{name} ±{BAND:g} SE", "fill": "tonexty", "opacity": 0.2, "hoverinfo": "skip"},
    ]


def make_estimate_figure(series: pd.DataFrame, model: str | None, revision: str = "") -> go.Figure:
    """`series`: ts, accuracy, auc, est_labelled_accuracy(_se), est_labelled_auc(_se), est_accuracy, est_auc."""
    title = "Estimated vs realized" + (f": {model}" if model else "")
    if series.empty or nothing_to_draw(series[["est_accuracy", "est_auc"]]):
        return empty_figure(title, "No estimate in this range yet (it needs a reference with both outcomes)")
    x = times(series["ts"])
    traces: list[dict[str, Any]] = []
    for i, (column, name) in enumerate(FIGURES.items()):
        color = SERIES[i % len(SERIES)]
        estimate, se = series[f"est_labelled_{column}"], series[f"est_labelled_{column}_se"]
        traces += _band(x, estimate, se, f"{name} estimated (labelled)", color)
        traces += [
            {"type": "scatter", "x": x, "y": numbers(estimate), "name": f"{name} estimated (labelled)", "mode": "lines",
             "line": {"color": color, "dash": "dot"}, "connectgaps": False},
            {"type": "scatter", "x": x, "y": numbers(series[column]), "name": f"{name} realized", "mode": "lines",
             "line": {"color": color}, "connectgaps": False},
            {"type": "scatter", "x": x, "y": numbers(series[f"est_{column}"]), "name": f"{name} estimated (all rows)",
             "mode": "lines", "line": {"color": color, "dash": "dash", "width": 1}, "connectgaps": False},
        ]  # fmt: skip
    return _frame(title, revision, axis("value (0-1)", tickformat=".2f"), traces)
