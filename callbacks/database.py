"""Database page: store charts and tables, PostgreSQL targets, data-quality panel."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from dash import Dash, Input, Output

from callbacks.livegraph import figure_outputs, keep_zoom
from callbacks.timerange import window
from dashboard import figures_database as figures
from dashboard import ids
from dashboard.tables_database import index_table, postgres_panel, quality_panel, slow_query_table, table_size_table
from data import retention
from data.clock import utcnow
from data.queries import data_quality as dq
from data.queries import database as q
from data.queries import postgres as pg
from data.store import Store
from external.postgres import redact

STORE_GRAPHS = (ids.DB_QUERY_GRAPH, ids.DB_CONNECTIONS_GRAPH, ids.DB_TABLE_SIZE_GRAPH, ids.DB_SCAN_GRAPH)
PG_GRAPHS = (ids.DB_PG_CONNECTIONS_GRAPH, ids.DB_PG_CACHE_GRAPH)


def _targets(store: Store, postgres_targets: Sequence[tuple[str, str]]) -> list[dict]:
    latest = {row["target"]: row for row in pg.latest_samples(store)}
    found = []
    for name, dsn in postgres_targets:
        sample = latest.get(name)
        found.append(
            {
                "target": name,
                "dsn": redact(dsn),
                "sample": sample,
                "status": "pending" if sample is None else ("up" if sample["up"] else "down"),
                "statements_note": sample["statements_note"] if sample else None,
                "tables": pg.latest_tables(store, name),
                "indexes": pg.latest_indexes(store, name),
                "statements": pg.latest_statements(store, name),
            }
        )
    return found


def register(app: Dash, store: Store, postgres_targets: Sequence[tuple[str, str]]) -> None:
    """The page's callbacks over the store and the watched PostgreSQLs (name, DSN)."""
    keep_zoom(app, *STORE_GRAPHS, *PG_GRAPHS)

    # Two callbacks, so the store's and PostgreSQL's charts are drawn in parallel requests.
    @app.callback(*figure_outputs(*STORE_GRAPHS), Input(ids.TICK, "data"), Input(ids.RANGE, "value"))
    def store_charts(_n: int, range_key: str) -> tuple:
        import pandas as pd

        since, until = window(range_key, utcnow())
        return (
            figures.make_query_latency_figure(q.query_series(store, since, until), range_key),
            figures.make_connections_figure(q.pool_series(store, since, until), range_key),
            figures.make_table_size_figure(q.table_series(store, since, until), range_key),
            figures.make_scan_figure(pd.DataFrame(q.latest_scans(store))),
        )

    @app.callback(*figure_outputs(*PG_GRAPHS), Input(ids.TICK, "data"), Input(ids.RANGE, "value"))
    def postgres_charts(_n: int, range_key: str) -> tuple:
        since, until = window(range_key, utcnow())
        series = pg.series(store, since, until)
        return figures.make_pg_connections_figure(series, range_key), figures.make_pg_cache_figure(series, range_key)

    @app.callback(
        Output(ids.DB_QUALITY, "children"),
        Output(ids.DB_SLOW_TABLE, "children"),
        Output(ids.DB_TABLES, "children"),
        Output(ids.DB_INDEXES, "children"),
        Output(ids.DB_PG_TARGETS, "children"),
        Input(ids.TICK, "data"),
        Input(ids.RANGE, "value"),
    )
    def tables(_n: int, range_key: str) -> tuple:
        since, until = window(range_key, utcnow())
        slow_since = max(since, until - timedelta(hours=24))
        return (
            quality_panel(dq.latest_results(store)),
            slow_query_table(q.slowest_queries(store, slow_since)),
            table_size_table(q.latest_tables(store), q.latest_sample(store), retention.lag_seconds(store, until)),
            index_table(q.indexes(store)),
            [postgres_panel(t) for t in _targets(store, postgres_targets)],
        )
