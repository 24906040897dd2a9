"""How sure a figure is, drawn: a 95 % interval as a shaded band under its line, and a headline figure as
"0.81 ± 0.03" (half the interval's width). Pure: values in, plain-dict traces and text out."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

Z95 = 1.959963984540054  # a standard error times this is a 95 % half-width (analytics/uncertainty.py's)


def band_traces(x: Any, lo: Any, hi: Any, color: str, name: str, group: str) -> list[dict[str, Any]]:
    """Two traces: the interval's lower edge (invisible) and its upper edge filled down to it. Put before
    the figure's own line so the line is drawn over its band; nothing when no interval is known. Neither
    has a legend entry: they join the legend group `group` of their line, which shows and hides them too."""
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    if not np.isfinite(lo).any() or not np.isfinite(hi).any():
        return []
    edge = {"type": "scatter", "x": x, "mode": "lines", "line": {"width": 0, "color": color}, "hoverinfo": "skip"}
    edge |= {"showlegend": False, "legendgroup": group}
    return [
        {**edge, "y": lo, "name": f"{name} 95 % lower"},
        {**edge, "y": hi, "name": f"{name} 95 % interval", "fill": "tonexty", "fillcolor": _transparent(color)},
    ]


def _transparent(color: str, alpha: float = 0.18) -> str:
    """#rrggbb as rgba with `alpha`."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


def plus_minus(value: float | None, half: float | None, digits: str = ".2f") -> str:
    """ "0.81 ± 0.03"; the figure alone without a known half-width; "undefined" without a figure."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "undefined"
    if half is None or (isinstance(half, float) and math.isnan(half)):
        return f"{value:{digits}}"
    return f"{value:{digits}} ± {half:{digits}}"


def half_width(lo: float | None, hi: float | None) -> float | None:
    """Half an interval's width (a Wilson interval is nearly symmetric around its figure)."""
    if lo is None or hi is None or lo != lo or hi != hi:
        return None
    return (hi - lo) / 2


def se_half(se: float | None) -> float | None:
    """A standard error as a 95 % half-width."""
    return None if se is None or se != se else Z95 * se
