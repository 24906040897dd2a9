"""Checks shared by the tests of builders that skip plotly.py's validation (dashboard/fast_figure.py)."""

from __future__ import annotations

import plotly.graph_objects as go


def assert_valid(fig: go.Figure) -> dict:
    """Validating the built figure must pass (go.Figure raises ValueError on any invalid property), and
    every title must be plotly.js's {"text": ...} form (plotly.js 3 ignores bare strings). Returns the
    figure as sent to the browser."""
    sent = fig.to_plotly_json()
    go.Figure(sent)
    layout = sent["layout"]
    assert isinstance(layout["title"], dict)
    for name, value in layout.items():
        if name.startswith(("xaxis", "yaxis")) and "title" in value:
            assert isinstance(value["title"], dict), name
    return sent
