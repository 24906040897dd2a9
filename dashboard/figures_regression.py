"""Pure figure builders of the Model page for a regression model: its figures as cards (MAE, RMSE, R², bias),
predicted against actual as a binned density, and residuals over time. Plain values in, go.Figure out; no I/O.
Values are in the model's own unit (whatever it predicts: an amount, a delay), named `unit` on the axes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import plotly.graph_objects as go

from dashboard.bands import se_half
from dashboard.fast_figure import LEAN_TEMPLATE, axis, empty_figure, frame, line
from dashboard.theme import SERIES

NO_LABELS = "No labels yet: these figures need outcomes for this model's predictions"
UNIT = "model's unit"
CARDS = (("mae", "MAE"), ("rmse", "RMSE"), ("r2", "R²"), ("mean_error", "bias (mean error)"))
_frame = partial(frame, template=LEAN_TEMPLATE)


def make_regression_cards(model: str | None, figures: Mapping[str, Any] | None, revision: str = "") -> go.Figure:
    """`figures`: the window's stored figures by name (mae, rmse, r2, mean_error, labelled); one card each."""
    title = "Regression quality" + (f": {model}" if model else "")
    if not figures or not figures.get("labelled") or figures.get("mae") is None:
        return empty_figure(title, NO_LABELS)
    cards = [
        _card(i, name + ("" if key == "r2" else f" ({UNIT})"), figures.get(key), key == "r2", se_half(figures.get(f"{key}_se")))
        for i, (key, name) in enumerate(CARDS)
    ]
    hidden = {"visible": False, "range": [0, 1], "fixedrange": True}
    return go.Figure(
        layout={
            "template": LEAN_TEMPLATE,
            "title": {"text": f"{title} ({figures['labelled']:,} labelled)"},
            "xaxis": hidden,
            "yaxis": hidden,
            "annotations": cards,
            "uirevision": revision,
        },
        _validate=False,
    )


def _card(i: int, name: str, value: float | None, ratio: bool, half: float | None = None) -> dict[str, Any]:
    """One card as an annotation (the page's plotly bundle draws cartesian traces only, not indicators); with
    `half`, the figure's 95 % half-width after it (MAE and RMSE: "1,234 ± 56")."""
    shown = "n/a" if value is None else f"{value:.3f}" if ratio else f"{value:,.4g}"
    if value is not None and half is not None:
        shown += f" ± {half:,.2g}"
    return {
        "text": f"<span style='font-size:26px'>{shown}</span><br>{name}",
        "name": name,
        "x": (i + 0.5) / len(CARDS),
        "y": 0.5,
        "xref": "paper",
        "yref": "paper",
        "showarrow": False,
    }


def make_predicted_actual_figure(model: str | None, cells: Sequence[tuple[float, float, int]], revision: str = "") -> go.Figure:
    """`cells`: (predicted bin centre, actual bin centre, labelled rows) of a square grid; the diagonal is a
    perfect prediction."""
    title = "Predicted vs actual (labelled rows per cell)" + (f": {model}" if model else "")
    if not cells or not any(n for _, _, n in cells):
        return empty_figure(title, NO_LABELS)
    low = min(min(c[0] for c in cells), min(c[1] for c in cells))
    high = max(max(c[0] for c in cells), max(c[1] for c in cells))
    density = {
        "type": "histogram2d",
        "x": [c[1] for c in cells],
        "y": [c[0] for c in cells],
        "z": [c[2] for c in cells],
        "histfunc": "sum",
        "nbinsx": 40,
        "nbinsy": 40,
        "colorscale": "Blues",
        "colorbar": {"title": {"text": "rows"}},
        "hovertemplate": "actual %{x}, predicted %{y}: %{z} rows<extra></extra>",
    }
    diagonal = {
        "type": "scatter",
        "x": [low, high],
        "y": [low, high],
        "mode": "lines",
        "name": "predicted = actual",
        "line": {"color": SERIES[1], "dash": "dot"},
        "hoverinfo": "skip",
    }
    return _frame(
        title,
        revision,
        axis(f"predicted ({UNIT})"),
        [density, diagonal],
        axis(f"actual ({UNIT})"),
        hovermode="closest",
        showlegend=False,
    )


def make_residuals_figure(model: str | None, series: Mapping[str, Sequence[Any]], revision: str = "") -> go.Figure:
    """`series`: ts, mean_error and mae per profile bucket (minute, hour or day) with labelled rows."""
    title = "Residuals over time (prediction - actual)" + (f": {model}" if model else "")
    if not series or not len(series.get("ts", ())):
        return empty_figure(title, NO_LABELS)
    traces = [
        line(series["ts"], series["mean_error"], "mean error (bias)", SERIES[0]),
        line(series["ts"], series["mae"], "mean |error| (MAE)", SERIES[2], line={"dash": "dot"}),
    ]
    return _frame(title, revision, axis(f"error ({UNIT})", zeroline=True, zerolinewidth=2), traces)
