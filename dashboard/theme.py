"""Colours and shared figure styling."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import plotly.io as pio

if TYPE_CHECKING:
    from dash import dcc

STATUS_COLORS = {"ok": "success", "warning": "warning", "critical": "danger", "unknown": "secondary"}
STATUS_HEX = {"ok": "#198754", "warning": "#ffc107", "critical": "#dc3545", "unknown": "#6c757d"}
SERIES = ["#0d6efd", "#fd7e14", "#20c997", "#6f42c1", "#d63384", "#0dcaf0", "#6c757d", "#198754"]

RANGES = {
    "5m": ("Last 5 min", 300),
    "15m": ("Last 15 min", 900),
    "1h": ("Last 1 h", 3600),
    "6h": ("Last 6 h", 21600),
    "24h": ("Last 24 h", 86400),
    "7d": ("Last 7 d", 7 * 86400),
    "30d": ("Last 30 d", 30 * 86400),
    "90d": ("Last 90 d", 90 * 86400),
}
DEFAULT_RANGE = "15m"

GRAPH_CONFIG: dcc.Graph.Config = {"displaylogo": False, "responsive": True}
# The template is Plotly's process default (use_template), not a per-figure layout key: validating a
# named template on every figure deep-copies it (~36 ms per figure measured here, most of a callback).
TEMPLATE = "plotly_white"
FIGURE_LAYOUT: dict[str, Any] = dict(
    margin=dict(l=60, r=20, t=40, b=40),
    height=300,
    legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1),
    hovermode="x unified",
)


def use_template() -> None:
    """Make TEMPLATE the default of every figure built from now on (called once by create_app)."""
    pio.templates.default = TEMPLATE
