"""The store's own health: table sizes, file sizes, indexes, profiled key queries, and reads of
the stored samples (db_samples, db_query_stats, db_slow_queries, db_table_stats, db_scan_samples)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from data.queries.system import bucket_seconds
from data.store import Store

if TYPE_CHECKING:
    import pandas as pd


class FileSizes(NamedTuple):
    db_bytes: int
    wal_bytes: int


def file_sizes(path: Path) -> FileSizes:
    """The database file's and its WAL's bytes; 0 for a file that does not exist (no WAL after a checkpoint)."""

    def size(p: Path) -> int:
        try:
            return p.stat().st_size
        except OSError:
            return 0

    return FileSizes(size(path), size(path.with_name(path.name + ".wal")))


def table_stats(store: Store) -> list[dict[str, Any]]:
    """Row count, on-disk bytes (distinct storage blocks x block size) and index count per table."""
    tables = store.fetch_dicts(
        "database.tables",
        """
        SELECT table_name, estimated_size AS row_count, index_count FROM duckdb_tables()
        WHERE schema_name = 'main' AND database_name = current_database() ORDER BY table_name
        """,
    )
    block = store.fetch_one("database.block_size", "SELECT block_size FROM pragma_database_size()")
    block_bytes = int(block[0]) if block else 262_144
    if not tables:
        return tables
    # One statement for all tables: each branch binds its table name as a parameter.
    branch = "SELECT ? AS table_name, count(DISTINCT block_id) FILTER (block_id >= 0) AS blocks FROM pragma_storage_info(?)"
    names = [t["table_name"] for t in tables]
    blocks = dict(
        store.fetch_all(
            "database.table_blocks", " UNION ALL ".join([branch] * len(names)), [v for name in names for v in (name, name)]
        )
    )
    for table in tables:
        table["size_bytes"] = int(blocks.get(table["table_name"]) or 0) * block_bytes
    return tables


def indexes(store: Store) -> list[dict[str, Any]]:
    """Each table's indexes and key constraints (DuckDB keeps an ART index behind each key) and its
    ordering: DuckDB has no clustered order, min/max zonemaps on every column prune row groups."""
    return store.fetch_dicts(
        "database.indexes",
        """
        SELECT table_name, constraint_type AS kind, array_to_string(constraint_column_names, ', ') AS columns,
               NULL AS index_name
        FROM duckdb_constraints() WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE') AND schema_name = 'main'
        UNION ALL
        SELECT table_name, 'INDEX', expressions, index_name FROM duckdb_indexes() WHERE schema_name = 'main'
        ORDER BY table_name, kind
        """,
    )


# name -> (table, sql, SQL giving its parameters or None): representative reads of the pages and API.
# The parameter queries run unprofiled; a point lookup should stay an Index Scan of about one row.
KEY_QUERIES: dict[str, tuple[str, str, str | None]] = {
    "scan.prediction_by_id": (
        "predictions",
        "SELECT * FROM predictions WHERE id = ?",
        "SELECT coalesce(max(id), '') FROM predictions",
    ),
    "scan.predictions_last_5m": (
        "predictions",
        "SELECT model, count(*) FROM predictions WHERE ts >= ? GROUP BY model",
        "SELECT coalesce(max(ts), now()::TIMESTAMP) - INTERVAL 5 MINUTE FROM predictions",
    ),
    "scan.features_last_5m": (
        "prediction_features",
        "SELECT feature, avg(value) FROM prediction_features WHERE ts >= ? GROUP BY feature",
        "SELECT coalesce(max(ts), now()::TIMESTAMP) - INTERVAL 5 MINUTE FROM prediction_features",
    ),
    "scan.outcome_join_recent": (
        "predictions",
        "SELECT p.id, o.label FROM (SELECT id FROM predictions ORDER BY ts DESC LIMIT 100) p LEFT JOIN outcomes o ON o.id = p.id",
        None,
    ),
    "scan.system_latest": ("system_samples", "SELECT * FROM system_samples ORDER BY ts DESC LIMIT 1", None),
}


def _scan_types(node: dict[str, Any], found: list[str]) -> list[str]:
    if node.get("type") == "TABLE_SCAN":
        info = node.get("extra_info") or {}
        found.append(f"{info.get('Table', '?').split('.')[-1]}: {info.get('Type', node.get('name', 'scan'))}")
    for child in node.get("children") or []:
        _scan_types(child, found)
    return found


def parse_profile(profile_json: str) -> tuple[int, float, str]:
    """(rows scanned, seconds, 'table: scan type; ...') from DuckDB's JSON profiling output."""
    info = json.loads(profile_json)
    query = info.get("query") or {}
    scans: list[str] = []
    for op in info.get("operator") or []:
        _scan_types(op, scans)
    return int(query.get("total_rows_scanned") or 0), float(query.get("total_time") or 0.0), "; ".join(sorted(set(scans)))


def profile_key_queries(store: Store) -> list[dict[str, Any]]:
    """Run each key query once under the profiler: rows scanned vs rows returned."""
    sizes = {
        t["table_name"]: t["row_count"]
        for t in store.fetch_dicts(
            "database.table_rows",
            "SELECT table_name, estimated_size AS row_count FROM duckdb_tables() "
            "WHERE schema_name = 'main' AND database_name = current_database()",
        )
    }
    found = []
    for name, (table, sql, params_sql) in KEY_QUERIES.items():
        params = list(store.fetch_one(name + ".params", params_sql) or ()) if params_sql else []
        returned, profile = store.profile(name, sql, params)
        scanned, seconds, scans = parse_profile(profile)
        found.append(
            {
                "query": name,
                "rows_scanned": scanned,
                "rows_returned": returned,
                "table_rows": sizes.get(table),
                "scan_types": scans,
                "duration_seconds": seconds,
            }
        )
    return found


# -- reads of the stored samples -------------------------------------------------------------
def latest_sample(store: Store) -> dict[str, Any] | None:
    rows = store.fetch_dicts("database.latest_sample", "SELECT * FROM db_samples ORDER BY ts DESC LIMIT 1")
    return rows[0] if rows else None


def pool_series(store: Store, since: datetime, until: datetime) -> pd.DataFrame:
    return store.fetch_df(
        "database.pool_series",
        """
        SELECT time_bucket(to_seconds(?), ts) AS ts, max(cursors_in_use_peak) AS cursors_in_use_peak,
               max(cursor_pool_size) AS cursor_pool_size, max(cursor_waits) AS cursor_waits,
               max(cursor_wait_max_seconds) AS cursor_wait_max_seconds
        FROM db_samples WHERE ts >= ? AND ts <= ? GROUP BY 1 ORDER BY 1
        """,
        [bucket_seconds(since, until, 300), since, until],
    )


def query_series(store: Store, since: datetime, until: datetime, top: int = 8) -> pd.DataFrame:
    """Per time bucket, for the `top` busiest query names: calls and latency quantiles (seconds;
    the bucket's worst window, so a slow minute is not averaged away)."""
    return store.fetch_df(
        "database.query_series",
        """
        WITH w AS (SELECT * FROM db_query_stats WHERE ts >= ? AND ts <= ?),
             top AS (SELECT query FROM w GROUP BY query ORDER BY sum(calls) DESC, query LIMIT ?)
        SELECT time_bucket(to_seconds(?), ts) AS ts, query, sum(calls) AS calls, max(p50_seconds) AS p50_seconds,
               max(p95_seconds) AS p95_seconds, max(max_seconds) AS max_seconds, sum(rows_returned) AS rows_returned
        FROM w SEMI JOIN top USING (query) GROUP BY ALL ORDER BY 1, 2
        """,
        [since, until, top, bucket_seconds(since, until, 200)],
    )


def query_totals(store: Store, since: datetime) -> list[dict[str, Any]]:
    return store.fetch_dicts(
        "database.query_totals",
        """
        SELECT query, sum(calls) AS calls, sum(total_seconds) / sum(calls) AS mean_seconds,
               max(p95_seconds) AS p95_seconds, max(max_seconds) AS max_seconds
        FROM db_query_stats WHERE ts >= ? GROUP BY query ORDER BY sum(total_seconds) DESC
        """,
        [since],
    )


def slowest_queries(store: Store, since: datetime, limit: int = 10) -> list[dict[str, Any]]:
    return store.fetch_dicts(
        "database.slowest",
        """
        SELECT ts, query, duration_seconds, rows_returned FROM db_slow_queries
        WHERE ts >= ? ORDER BY duration_seconds DESC LIMIT ?
        """,
        [since, limit],
    )


def latest_tables(store: Store) -> list[dict[str, Any]]:
    return store.fetch_dicts(
        "database.latest_tables",
        """
        SELECT table_name, row_count, size_bytes, index_count, ts FROM db_table_stats
        WHERE ts = (SELECT max(ts) FROM db_table_stats) ORDER BY size_bytes DESC, table_name
        """,
    )


def table_series(store: Store, since: datetime, until: datetime, top: int = 8) -> pd.DataFrame:
    """Per time bucket, for the `top` largest tables now: rows and on-disk bytes."""
    return store.fetch_df(
        "database.table_series",
        """
        WITH w AS (SELECT * FROM db_table_stats WHERE ts >= ? AND ts <= ?),
             top AS (SELECT table_name FROM w GROUP BY table_name ORDER BY max(size_bytes) DESC, table_name LIMIT ?)
        SELECT time_bucket(to_seconds(?), ts) AS ts, table_name, max(row_count) AS row_count,
               max(size_bytes) AS size_bytes
        FROM w SEMI JOIN top USING (table_name) GROUP BY ALL ORDER BY 1, 2
        """,
        [since, until, top, bucket_seconds(since, until, 200)],
    )


def latest_scans(store: Store) -> list[dict[str, Any]]:
    return store.fetch_dicts(
        "database.latest_scans",
        """
        SELECT query, rows_scanned, rows_returned, table_rows, scan_types, duration_seconds, ts FROM db_scan_samples
        WHERE ts = (SELECT max(ts) FROM db_scan_samples) ORDER BY query
        """,
    )
