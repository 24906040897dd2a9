"""Figures built without plotly.py's validation, for pages that redraw many series each refresh:
validating a template, layout or trace cost ~30-100 ms a chart on this 2-core machine. Every
builder using these is validated in its unit tests instead."""
from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from dashboard.theme import FIGURE_LAYOUT, TEMPLATE


def axis(title: str, **options: object) -> dict:
    """An axis in plotly.js's own form (titles as {"text": ...})."""
    return {"title": {"text": title}, **options}


TIME = axis("time (UTC)")


def frame(title: str, revision: str, yaxis: dict, traces: list[dict] | None = None, xaxis: dict = TIME,
          **layout: object) -> go.Figure:
    base = {**FIGURE_LAYOUT, "template": pio.templates[TEMPLATE]}
    return go.Figure(data=traces or [], layout={**base, "title": {"text": title}, "uirevision": revision,
                                                "xaxis": xaxis, "yaxis": yaxis, **layout}, _validate=False)
