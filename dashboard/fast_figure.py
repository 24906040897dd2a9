"""Figures built without plotly.py's validation, for pages that redraw many series each refresh:
validating a template, layout or trace cost ~30-100 ms a chart on this 2-core machine. Every
builder using these is validated in its unit tests instead."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.theme import FIGURE_LAYOUT, TEMPLATE

if TYPE_CHECKING:
    import pandas as pd

# A chart's column of values: a frame's column, an index, an array or a plain list.
Column: TypeAlias = "pd.Series | pd.Index | np.ndarray | Sequence[Any]"


def axis(title: str, **options: object) -> dict:
    """An axis in plotly.js's own form (titles as {"text": ...})."""
    return {"title": {"text": title}, **options}


TIME = axis("time (UTC)")


def frame(
    title: str, revision: str, yaxis: dict, traces: list[dict] | None = None, xaxis: dict = TIME, **layout: object
) -> go.Figure:
    base = {**FIGURE_LAYOUT, "template": pio.templates[TEMPLATE]}
    return go.Figure(
        data=traces or [],
        layout={**base, "title": {"text": title}, "uirevision": revision, "xaxis": xaxis, "yaxis": yaxis, **layout},
        _validate=False,
    )


# TEMPLATE as it applies to 2-D charts of the trace types these dashboards draw: the other ~20 types'
# defaults and the polar/3-D/map/colour-scale settings are left out of each figure (serialising the
# whole template cost ~4 ms a figure). Pass as frame(..., template=LEAN_TEMPLATE).
_FULL = pio.templates[TEMPLATE].to_plotly_json()
_NOT_2D = {"polar", "ternary", "scene", "geo", "mapbox", "map", "smith", "colorscale", "coloraxis"}
LEAN_TEMPLATE = {
    "layout": {k: v for k, v in _FULL["layout"].items() if k not in _NOT_2D},
    "data": {kind: _FULL["data"][kind] for kind in ("scatter", "bar", "heatmap") if kind in _FULL["data"]},
}


MUTED = "#6c757d"
HIDDEN_AXIS = {"visible": False}


def empty_figure(title: str, message: str) -> go.Figure:
    """A chart with nothing to draw says why, in one sentence, instead of drawing bare axes (every builder
    uses this for its empty state)."""
    return go.Figure(
        layout={
            **FIGURE_LAYOUT,
            "template": LEAN_TEMPLATE,
            "title": {"text": title},
            "xaxis": HIDDEN_AXIS,
            "yaxis": HIDDEN_AXIS,
            "annotations": [
                {
                    "text": message,
                    "showarrow": False,
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0.5,
                    "y": 0.5,
                    "font": {"size": 14, "color": MUTED},
                }
            ],
        },
        _validate=False,
    )


# What a chart shows until its first answer arrives (components.graph_card): plain JSON, no template, so
# every page's layout stays small; the same hidden axes as an empty state, never bare axes.
LOADING_FIGURE = {
    "data": [],
    "layout": {
        **{k: v for k, v in FIGURE_LAYOUT.items() if k != "legend"},
        "xaxis": HIDDEN_AXIS,
        "yaxis": HIDDEN_AXIS,
        "annotations": [
            {
                "text": "Loading…",
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "font": {"size": 14, "color": MUTED},
            }
        ],
    },
}


def nothing_to_draw(values: Column | pd.DataFrame) -> bool:
    """True when no value is finite (every point missing): such a chart would draw only axes."""
    array = np.asarray(values, dtype=float)
    return array.size == 0 or not np.isfinite(array).any()


def times(values: Column) -> np.ndarray:
    """Timestamps as ISO text (naive UTC), all at once: plotly's JSON encoder turns each pandas Timestamp
    into text through a chain of failed encoders, ~10 µs a point. Missing times become None."""
    import pandas as pd

    if (
        isinstance(values, pd.Series) and isinstance(values.dtype, np.dtype) and values.dtype.kind == "M" and not values.hasnans
    ):  # a query's naive column: numpy alone, half the time of the general path
        array = values.to_numpy()
        return np.datetime_as_string(array, unit="s" if (array.astype("datetime64[s]") == array).all() else "ms")
    stamps = pd.DatetimeIndex(pd.to_datetime(values))
    if stamps.tz is not None:
        stamps = stamps.tz_convert("UTC").tz_localize(None)
    missing = np.asarray(stamps.isna())
    whole = bool((stamps.as_unit("ns").asi8[~missing] % 1_000_000_000 == 0).all())  # whole seconds: no ".000"
    text = np.datetime_as_string(stamps.to_numpy(), unit="s" if whole else "ms")
    if missing.any():
        text = text.astype(object)
        text[missing] = None
    return text


def numbers(values: Column) -> np.ndarray:
    """Floats as one array (plotly sends it as a typed array; NaN stays a gap)."""
    return np.asarray(values, dtype=float)


def line(x: Column, y: Column, name: str, color: str, **options: Any) -> dict:
    """A time-series line trace; `line` options merge into the colour."""
    return {
        "type": "scatter",
        "x": times(x),
        "y": numbers(y),
        "name": name,
        "mode": "lines",
        "line": {"color": color, **options.pop("line", {})},
        **options,
    }


def hline(y: float, text: str, line_style: dict, position: str = "top right") -> tuple[dict, dict]:
    """A labelled horizontal line across the plot, as go.Figure.add_hline draws it (shape, annotation)."""
    shape = {"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": y, "y1": y, "line": line_style}
    anchor = "right" if position.endswith("right") else "left"
    note = {
        "text": text,
        "showarrow": False,
        "xref": "x domain",
        "x": 1 if anchor == "right" else 0,
        "xanchor": anchor,
        "yref": "y",
        "y": y,
        "yanchor": "bottom" if position.startswith("top") else "top",
    }
    return shape, note


def decorate(fig: go.Figure, shapes: list[dict], annotations: list[dict]) -> go.Figure:
    """Append shapes and annotations without go.Figure.add_* (add_vrect cost ~70 ms a period)."""
    if shapes:
        fig.layout.shapes = (*fig.layout.shapes, *shapes)
    if annotations:
        fig.layout.annotations = (*fig.layout.annotations, *annotations)
    return fig
