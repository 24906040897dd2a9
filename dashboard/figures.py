"""Pure figure builders: DataFrame in, go.Figure out. No I/O.

Every live chart sets `uirevision` so a user's zoom survives the refresh that redraws it;
passing a new revision (a new time range) resets the view.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.theme import FIGURE_LAYOUT, SERIES

TIME_AXIS = dict(title="time (UTC)")
PERCENT_AXIS = dict(title="%", range=[0, 100], ticksuffix=" %")
RATE_AXIS = dict(title="bytes/s", tickformat=".2~s", ticksuffix="B/s", rangemode="tozero")


def empty_figure(title: str, message: str) -> go.Figure:
    """A chart with no data says why instead of drawing blank axes."""
    fig = go.Figure()
    fig.update_layout(**FIGURE_LAYOUT, title=title)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.add_annotation(text=message, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5,
                       font=dict(size=14, color="#6c757d"))
    return fig


def _frame(title: str, revision: str, yaxis: dict) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(**FIGURE_LAYOUT, title=title, uirevision=revision, xaxis=TIME_AXIS, yaxis=yaxis)
    return fig


def make_cpu_figure(system: pd.DataFrame, cores: pd.DataFrame, revision: str = "") -> go.Figure:
    """Total CPU as a bold line, each core as a thin one."""
    if system.empty:
        return empty_figure("CPU", "No samples in this range yet")
    fig = _frame("CPU", revision, PERCENT_AXIS)
    fig.add_scatter(x=system["ts"], y=system["cpu_percent"], name="total", mode="lines",
                    line=dict(color=SERIES[0], width=3))
    for i, (core, part) in enumerate(cores.groupby("core", sort=True)):
        fig.add_scatter(x=part["ts"], y=part["cpu_percent"], name=f"core {core}", mode="lines",
                        line=dict(color=SERIES[1 + i % (len(SERIES) - 1)], width=1), opacity=0.7)
    return fig


def make_memory_figure(system: pd.DataFrame, revision: str = "") -> go.Figure:
    if system.empty:
        return empty_figure("Memory", "No samples in this range yet")
    fig = _frame("Memory and swap", revision, PERCENT_AXIS)
    fig.add_scatter(x=system["ts"], y=system["memory_percent"], name="memory used", mode="lines",
                    line=dict(color=SERIES[0]), fill="tozeroy")
    fig.add_scatter(x=system["ts"], y=system["swap_percent"], name="swap used", mode="lines",
                    line=dict(color=SERIES[1]))
    return fig


def make_disk_figure(disks: pd.DataFrame, revision: str = "") -> go.Figure:
    """Used percent of each mounted filesystem over time."""
    if disks.empty:
        return empty_figure("Disk use", "No disk samples in this range yet")
    fig = _frame("Disk use by mount", revision, PERCENT_AXIS)
    for i, (mount, part) in enumerate(disks.groupby("mountpoint", sort=True)):
        fig.add_scatter(x=part["ts"], y=part["used_percent"], name=str(mount), mode="lines",
                        line=dict(color=SERIES[i % len(SERIES)]))
    return fig


def make_rate_figure(system: pd.DataFrame, title: str, series: dict[str, str], revision: str = "") -> go.Figure:
    """Byte rates over time; `series` maps a column to its legend name."""
    if system.empty:
        return empty_figure(title, "No samples in this range yet")
    fig = _frame(title, revision, RATE_AXIS)
    for i, (column, label) in enumerate(series.items()):
        fig.add_scatter(x=system["ts"], y=system[column], name=label, mode="lines",
                        line=dict(color=SERIES[i % len(SERIES)]))
    return fig
