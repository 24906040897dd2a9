"""Database page figure builders: titles, axes with units, traces, empty states."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import figures_database as f

T0 = datetime(2026, 3, 2, 12, 0)
TS = [T0, T0 + timedelta(minutes=1)]


def _titles(fig):
    """Titles, after plotly.py validates the figure (the builders skip validation for speed)."""
    fig = go.Figure(fig.to_dict())
    return fig.layout.title.text, fig.layout.xaxis.title.text, fig.layout.yaxis.title.text


def test_query_latency_in_ms_per_name_busiest_first():
    series = pd.DataFrame(
        {"ts": TS * 2, "query": ["a", "a", "b", "b"], "calls": [1, 1, 50, 50], "p95_seconds": [0.001, 0.002, 0.01, 0.02]}
    )
    fig = f.make_query_latency_figure(series, "15m")
    assert _titles(fig) == ("Query latency (p95)", "time (UTC)", "latency (ms)")
    assert [t.name for t in fig.data] == ["b", "a"]
    assert list(fig.data[0].y) == pytest.approx([10.0, 20.0])
    assert fig.layout.uirevision == "15m"


def test_connections_and_table_sizes():
    pool = pd.DataFrame({"ts": TS, "cursors_in_use_peak": [1, 3], "cursor_pool_size": [4, 4], "cursor_waits": [0, 2]})
    fig = f.make_connections_figure(pool)
    assert _titles(fig) == ("Store connections", "time (UTC)", "cursors")
    assert [t.name for t in fig.data] == ["in use (peak)", "pool size", "waits"]
    tables = pd.DataFrame({"ts": TS, "table_name": ["predictions"] * 2, "row_count": [10, 20], "size_bytes": [100, 200]})
    assert _titles(f.make_table_size_figure(tables)) == ("Table sizes", "time (UTC)", "size (bytes)")


def test_scan_figure_compares_scanned_and_returned():
    scans = pd.DataFrame({"query": ["scan.x"], "rows_scanned": [10000], "rows_returned": [1]})
    fig = f.make_scan_figure(scans)
    assert _titles(fig) == ("Scan efficiency", "rows + 1 (log)", "query")
    assert list(fig.data[0].x) == [10001]
    assert list(fig.data[1].x) == [2]
    assert [t.name for t in fig.data] == ["scanned", "returned"]
    assert fig.layout.xaxis.type == "log"


def test_postgres_figures():
    series = pd.DataFrame(
        {
            "ts": TS,
            "target": ["main"] * 2,
            "connections_active": [1, 2],
            "connections_idle": [3, 3],
            "connections_idle_in_transaction": [0, 1],
            "max_connections": [100, 100],
            "cache_hit_ratio": [0.99, None],
            "up": [True, True],
        }
    )
    fig = f.make_pg_connections_figure(series)
    assert _titles(fig) == ("PostgreSQL connections", "time (UTC)", "connections")
    assert len(fig.data) == 4
    cache = f.make_pg_cache_figure(series)
    assert _titles(cache)[2] == "%"
    assert list(cache.data[0].y) == pytest.approx([99.0])


@pytest.mark.parametrize(
    "builder",
    [
        f.make_query_latency_figure,
        f.make_connections_figure,
        f.make_table_size_figure,
        f.make_scan_figure,
        f.make_pg_connections_figure,
        f.make_pg_cache_figure,
    ],
)
def test_empty_frames_explain_themselves(builder):
    fig = builder(pd.DataFrame())
    assert len(fig.data) == 0
    assert fig.layout.annotations
    assert fig.layout.annotations[0].text
