"""Pure figure builders: DataFrame in, go.Figure out. No I/O.

Every live chart sets `uirevision` so a user's zoom survives the refresh that redraws it;
passing a new revision (a new time range) resets the view. Figures are built unvalidated
(dashboard/fast_figure.py, traces as plain dicts); the unit tests validate them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from dashboard.fast_figure import LEAN_TEMPLATE, axis, empty_figure, frame, line
from dashboard.theme import SERIES

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["empty_figure"]  # the shared empty state lives in fast_figure; figure modules import it from here

TIME_AXIS = dict(title="time (UTC)")
PERCENT_AXIS = dict(title="%", range=[0, 100], ticksuffix=" %")
RATE_AXIS = dict(title="bytes/s", tickformat=".2~s", ticksuffix="B/s", rangemode="tozero")
NO_SAMPLES = "No samples in this range yet"


def _frame(title: str, revision: str, yaxis: dict, traces: list[dict]) -> go.Figure:
    return frame(title, revision, axis(**yaxis), traces, template=LEAN_TEMPLATE)


def make_cpu_figure(system: pd.DataFrame, cores: pd.DataFrame, revision: str = "") -> go.Figure:
    """Total CPU as a bold line, each core as a thin one."""
    if system.empty:
        return empty_figure("CPU", NO_SAMPLES)
    traces = [line(system["ts"], system["cpu_percent"], "total", SERIES[0], line={"width": 3})]
    for i, (core, part) in enumerate(cores.groupby("core", sort=True)):
        traces.append(
            line(
                part["ts"], part["cpu_percent"], f"core {core}", SERIES[1 + i % (len(SERIES) - 1)], line={"width": 1}, opacity=0.7
            )
        )
    return _frame("CPU", revision, PERCENT_AXIS, traces)


def make_memory_figure(system: pd.DataFrame, revision: str = "") -> go.Figure:
    if system.empty:
        return empty_figure("Memory", NO_SAMPLES)
    return _frame(
        "Memory and swap",
        revision,
        PERCENT_AXIS,
        [
            line(system["ts"], system["memory_percent"], "memory used", SERIES[0], fill="tozeroy"),
            line(system["ts"], system["swap_percent"], "swap used", SERIES[1]),
        ],
    )


def make_disk_figure(disks: pd.DataFrame, revision: str = "") -> go.Figure:
    """Used percent of each mounted filesystem over time."""
    if disks.empty:
        return empty_figure("Disk use", "No disk samples in this range yet")
    traces = [
        line(part["ts"], part["used_percent"], str(mount), SERIES[i % len(SERIES)])
        for i, (mount, part) in enumerate(disks.groupby("mountpoint", sort=True))
    ]
    return _frame("Disk use by mount", revision, PERCENT_AXIS, traces)


def make_rate_figure(system: pd.DataFrame, title: str, series: dict[str, str], revision: str = "") -> go.Figure:
    """Byte rates over time; `series` maps a column to its legend name."""
    if system.empty:
        return empty_figure(title, NO_SAMPLES)
    traces = [
        line(system["ts"], system[column], label, SERIES[i % len(SERIES)]) for i, (column, label) in enumerate(series.items())
    ]
    return _frame(title, revision, RATE_AXIS, traces)
