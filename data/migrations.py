"""Versioned schema migrations, applied in order at start-up.

A migration is never edited once released: add a new one instead. Each runs in its own
transaction together with the bump of `schema_version`, so a crash leaves either the old or
the new schema, never half of one.
"""
from __future__ import annotations

import duckdb

from data.clock import utcnow

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "system and process samples",
        """
        CREATE TABLE system_samples (
            ts TIMESTAMP NOT NULL,
            cpu_percent DOUBLE,
            cpu_per_core_percent DOUBLE[],
            memory_percent DOUBLE,
            memory_used_bytes BIGINT,
            memory_available_bytes BIGINT,
            memory_total_bytes BIGINT,
            swap_percent DOUBLE,
            swap_used_bytes BIGINT,
            disk_used_percent DOUBLE,
            disk_read_bytes_per_second DOUBLE,
            disk_write_bytes_per_second DOUBLE,
            net_recv_bytes_per_second DOUBLE,
            net_sent_bytes_per_second DOUBLE,
            load_1m DOUBLE,
            load_5m DOUBLE,
            load_15m DOUBLE
        );
        CREATE TABLE disk_samples (
            ts TIMESTAMP NOT NULL,
            mountpoint VARCHAR NOT NULL,
            device VARCHAR,
            total_bytes BIGINT,
            used_bytes BIGINT,
            used_percent DOUBLE
        );
        CREATE TABLE process_samples (
            ts TIMESTAMP NOT NULL,
            name VARCHAR NOT NULL,
            pid INTEGER,
            up BOOLEAN NOT NULL,
            cpu_percent DOUBLE,
            rss_bytes BIGINT,
            threads INTEGER,
            open_files INTEGER
        );
        """,
    ),
    (
        2,
        "predictions, their features, outcomes, service samples",
        """
        CREATE TABLE predictions (
            id VARCHAR PRIMARY KEY,
            ts TIMESTAMP NOT NULL,
            model VARCHAR NOT NULL,
            model_version VARCHAR,
            score DOUBLE,
            predicted_label INTEGER,
            latency_seconds DOUBLE,
            status VARCHAR NOT NULL,
            error_kind VARCHAR,
            source VARCHAR NOT NULL,
            received_at TIMESTAMP NOT NULL
        );
        CREATE TABLE prediction_features (
            id VARCHAR NOT NULL,
            ts TIMESTAMP NOT NULL,
            model VARCHAR NOT NULL,
            feature VARCHAR NOT NULL,
            value DOUBLE
        );
        CREATE TABLE outcomes (
            id VARCHAR PRIMARY KEY,
            label INTEGER NOT NULL,
            ts TIMESTAMP NOT NULL,
            received_at TIMESTAMP NOT NULL
        );
        CREATE TABLE service_samples (
            ts TIMESTAMP NOT NULL,
            in_flight INTEGER NOT NULL,
            active_models INTEGER NOT NULL
        );
        """,
    ),
]


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version "
        "(version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL, description VARCHAR)"
    )
    row = con.execute("SELECT max(version) FROM schema_version").fetchall()[0]
    return int(row[0]) if row and row[0] is not None else 0


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every migration newer than the stored version; return the versions applied."""
    applied = []
    version = current_version(con)
    for number, description, sql in MIGRATIONS:
        if number <= version:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, ?)", [number, utcnow(), description]
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(number)
    return applied
