"""Pure figure builders of the Database page: DataFrames in, go.Figure out. No I/O.

Query durations are stored in seconds and charted in ms. Live charts take a `revision`
(the range key) as their uirevision so a zoom survives refreshes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from dashboard.fast_figure import axis, frame
from dashboard.figures import empty_figure
from dashboard.theme import SERIES

if TYPE_CHECKING:
    import pandas as pd

TOP_SERIES = 8  # more lines than this are unreadable; the busiest are shown
NO_DB_SAMPLES = "No database samples in this range yet:<br>the database collector samples every minute"
PG_STATES = {"connections_active": "active", "connections_idle": "idle", "connections_idle_in_transaction": "idle in transaction"}


def _line(x: pd.Series, y: pd.Series, name: str, color: str, **options: Any) -> dict:
    return {
        "type": "scatter",
        "x": list(x),
        "y": list(y),
        "name": name,
        "mode": "lines",
        "line": {"color": color, **options.pop("line", {})},
        **options,
    }


def _top(frame: pd.DataFrame, key: str, weight: str) -> list[str]:
    return list(frame.groupby(key)[weight].sum().sort_values(ascending=False).index[:TOP_SERIES])


def make_query_latency_figure(series: pd.DataFrame, revision: str = "") -> go.Figure:
    """p95 latency per query name per stored window (the busiest names)."""
    if series.empty:
        return empty_figure("Query latency (p95)", NO_DB_SAMPLES)
    traces = []
    for i, name in enumerate(_top(series, "query", "calls")):
        part = series[series["query"] == name]
        traces.append(
            _line(
                part["ts"],
                part["p95_seconds"] * 1000,
                name,
                SERIES[i % len(SERIES)],
                mode="lines+markers",
                customdata=[[c] for c in part["calls"]],
                hovertemplate="%{y:.2f} ms, %{customdata[0]} calls",
            )
        )
    return frame("Query latency (p95)", revision, axis("latency (ms)", type="log"), traces)


def make_connections_figure(pool: pd.DataFrame, revision: str = "") -> go.Figure:
    """Store cursors: most in use at once per sample, pool size, and waits for a cursor (right axis)."""
    if pool.empty:
        return empty_figure("Store connections", NO_DB_SAMPLES)
    traces = [
        _line(pool["ts"], pool["cursors_in_use_peak"], "in use (peak)", SERIES[0], line={"shape": "hv"}),
        _line(pool["ts"], pool["cursor_pool_size"], "pool size", SERIES[6], line={"dash": "dot", "shape": "hv"}),
        _line(pool["ts"], pool["cursor_waits"], "waits", SERIES[1], line={"width": 1}, yaxis="y2"),
    ]
    return frame(
        "Store connections",
        revision,
        axis("cursors", rangemode="tozero", tickformat=",d"),
        traces,
        yaxis2=axis("waits (total)", overlaying="y", side="right", rangemode="tozero", showgrid=False),
    )


def make_table_size_figure(tables: pd.DataFrame, revision: str = "") -> go.Figure:
    """On-disk bytes of the largest tables over time (growth)."""
    if tables.empty:
        return empty_figure("Table sizes", NO_DB_SAMPLES)
    traces = []
    for i, name in enumerate(_top(tables, "table_name", "size_bytes")):
        part = tables[tables["table_name"] == name]
        traces.append(
            _line(
                part["ts"],
                part["size_bytes"],
                name,
                SERIES[i % len(SERIES)],
                mode="lines+markers",
                customdata=[[int(c)] for c in part["row_count"]],
                hovertemplate="%{y:.3s}B, %{customdata[0]:,} rows",
            )
        )
    return frame("Table sizes", revision, axis("size (bytes)", tickformat=".2~s", ticksuffix="B", rangemode="tozero"), traces)


def make_scan_figure(scans: pd.DataFrame) -> go.Figure:
    """Rows scanned vs rows returned per key query (log scale): a query that starts reading whole
    tables for a few rows shows as a long 'scanned' bar next to a short 'returned' one."""
    if scans.empty:
        return empty_figure("Scan efficiency", "No profiled queries yet:<br>the database collector profiles them every minute")
    if not (scans["rows_scanned"].fillna(0).any() or scans["rows_returned"].fillna(0).any()):
        # every bar would be log(0 + 1) = 0 long: query names beside nothing
        return empty_figure("Scan efficiency", "The profiled queries read no rows yet:<br>the tables they read are empty")
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "y": list(scans["query"]),
            "x": [int(v) + 1 for v in scans[column]],
            "name": label,
            "marker": {"color": color},
            "customdata": [[int(v)] for v in scans[column]],
            "hovertemplate": "%{customdata[0]:,} rows",
        }
        for column, label, color in (("rows_scanned", "scanned", SERIES[1]), ("rows_returned", "returned", SERIES[0]))
    ]
    return frame(
        "Scan efficiency",
        "scans",
        axis("query", automargin=True),
        traces,
        xaxis=axis("rows + 1 (log)", type="log"),
        barmode="group",
    )


def make_pg_connections_figure(series: pd.DataFrame, revision: str = "") -> go.Figure:
    """Each watched PostgreSQL's client connections by state, and its max_connections."""
    if series.empty:
        return empty_figure("PostgreSQL connections", "No PostgreSQL target is watched:<br>start with --watch-postgres NAME=DSN")
    traces = []
    for i, (target, part) in enumerate(series.groupby("target", sort=True)):
        for j, (column, state) in enumerate(PG_STATES.items()):
            traces.append(_line(part["ts"], part[column], f"{target} {state}", SERIES[(3 * i + j) % len(SERIES)]))
        traces.append(
            _line(part["ts"], part["max_connections"], f"{target} max_connections", SERIES[6], line={"dash": "dash", "width": 1})
        )
    return frame("PostgreSQL connections", revision, axis("connections", rangemode="tozero"), traces)


def make_pg_cache_figure(series: pd.DataFrame, revision: str = "") -> go.Figure:
    """Share of block reads served from PostgreSQL's shared buffers, per target."""
    hits = series.dropna(subset=["cache_hit_ratio"]) if not series.empty else series
    if hits.empty:
        return empty_figure("PostgreSQL cache hit ratio", "No PostgreSQL target has answered yet")
    traces = [
        _line(part["ts"], part["cache_hit_ratio"] * 100, str(target), SERIES[i % len(SERIES)])
        for i, (target, part) in enumerate(hits.groupby("target", sort=True))
    ]
    return frame("PostgreSQL cache hit ratio", revision, axis("%", range=[0, 100.5], ticksuffix=" %"), traces)
