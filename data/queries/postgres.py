"""Reads of the stored PostgreSQL target samples (pg_samples, pg_table_stats, pg_index_stats,
pg_statements), newest poll per target."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from data.queries.system import bucket_seconds
from data.store import Store

if TYPE_CHECKING:
    import pandas as pd


def latest_samples(store: Store) -> list[dict[str, Any]]:
    return store.fetch_dicts(
        "postgres.latest",
        """
        SELECT * FROM pg_samples
        QUALIFY row_number() OVER (PARTITION BY target ORDER BY ts DESC) = 1 ORDER BY target
        """,
    )


def _latest_of(store: Store, name: str, table: str, target: str, order: str, limit: int) -> list[dict[str, Any]]:
    # `table` and `order` come from this module's constants, never from a request.
    return store.fetch_dicts(
        name,
        f"""
        SELECT * EXCLUDE (target) FROM {table}
        WHERE target = ? AND ts = (SELECT max(ts) FROM {table} WHERE target = ?)
        ORDER BY {order} LIMIT ?
        """,
        [target, target, limit],
    )


def latest_tables(store: Store, target: str, limit: int = 50) -> list[dict[str, Any]]:
    return _latest_of(store, "postgres.tables", "pg_table_stats", target, "seq_tup_read DESC, table_name", limit)


def latest_indexes(store: Store, target: str, limit: int = 50) -> list[dict[str, Any]]:
    return _latest_of(store, "postgres.indexes", "pg_index_stats", target, "idx_scan, table_name, index_name", limit)


def latest_statements(store: Store, target: str, limit: int = 20) -> list[dict[str, Any]]:
    return _latest_of(store, "postgres.statements", "pg_statements", target, "mean_seconds DESC", limit)


def series(store: Store, since: datetime, until: datetime) -> pd.DataFrame:
    """Per bucket and target: connections by state, max_connections, cache hit ratio, up."""
    return store.fetch_df(
        "postgres.series",
        """
        SELECT time_bucket(to_seconds(?), ts) AS ts, target, avg(connections_active) AS connections_active,
               avg(connections_idle) AS connections_idle,
               avg(connections_idle_in_transaction) AS connections_idle_in_transaction,
               max(max_connections) AS max_connections, avg(cache_hit_ratio) AS cache_hit_ratio,
               bool_and(up) AS up
        FROM pg_samples WHERE ts >= ? AND ts <= ? GROUP BY ALL ORDER BY 1, 2
        """,
        [bucket_seconds(since, until, 300), since, until],
    )
