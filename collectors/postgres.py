"""A watched PostgreSQL server (`--watch-postgres NAME=DSN`, repeatable): one collector per target,
each on its own runner thread with a short connect and statement timeout, so a slow or
unreachable target shows as down with its error and never holds up the other collectors."""

from __future__ import annotations

import time
from datetime import datetime

from analytics.data_quality import index_usage
from external.postgres import SUMMARY_KEYS, TargetReading, read_target
from state.databases import DatabaseState

STATEMENTS_KEPT = 20


class PostgresCollector:
    def __init__(
        self, target: str, dsn: str, state: DatabaseState | None = None, interval: float = 15.0, timeout_seconds: float = 3.0
    ) -> None:
        self.target, self.dsn, self.interval, self.timeout_seconds = target, dsn, interval, timeout_seconds
        self.name = f"postgres:{target}"
        self.state = state or DatabaseState()
        self.last: TargetReading | None = None

    def _rows(self, now: datetime, reading: TargetReading, seconds: float) -> dict[str, list[tuple]]:
        s = reading.summary
        total, active, idle, idle_tx = (
            s.get(k) for k in ("connections_total", "connections_active", "connections_idle", "connections_idle_in_transaction")
        )
        other = None if total is None else total - (active or 0) - (idle or 0) - (idle_tx or 0)
        sample = (
            now,
            self.target,
            reading.up,
            reading.error,
            seconds,
            s.get("max_connections"),
            total,
            active,
            idle,
            idle_tx,
            other,
            s.get("xact_commit"),
            s.get("xact_rollback"),
            s.get("cache_hit_ratio"),
            s.get("database_size_bytes"),
            reading.statements_note,
        )
        return {
            "pg_samples": [sample],
            "pg_table_stats": [(now, self.target, *row) for row in reading.tables],
            "pg_index_stats": [
                (now, self.target, schema, table, index, scans, size, index_usage(scans, table_scans))
                for schema, table, index, scans, size, table_scans in reading.indexes
            ],
            "pg_statements": [(now, self.target, *row) for row in reading.statements[:STATEMENTS_KEPT]],
        }

    def collect(self, now: datetime) -> dict[str, list[tuple]]:
        started = time.perf_counter()
        reading = read_target(self.dsn, self.timeout_seconds)
        seconds = time.perf_counter() - started
        self.last = reading
        self.state.set_postgres(
            self.target, {"up": reading.up, "error": reading.error, **{k: reading.summary.get(k) for k in SUMMARY_KEYS}}
        )
        return self._rows(now, reading, seconds)
