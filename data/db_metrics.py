"""/metrics for the database: the query-duration histogram (from the store's own counters, so the
query path never touches prometheus_client), cursor pool figures, file sizes, and the newest
data-quality and PostgreSQL readings that the collectors leave in a DatabaseState."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from data.queries.database import file_sizes
from data.query_timing import BUCKETS_SECONDS
from data.store import Store


@dataclass
class DatabaseState:
    """The newest readings of the database collectors, shared with /metrics and the API."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    tables: list[dict[str, Any]] = field(default_factory=list)
    quality: list[Any] = field(default_factory=list)           # QualityResult-like objects
    postgres: dict[str, dict[str, Any]] = field(default_factory=dict)  # target -> summary incl. up/error

    def set(self, **values: Any) -> None:
        with self.lock:
            for key, value in values.items():
                setattr(self, key, value)

    def set_postgres(self, target: str, summary: dict[str, Any]) -> None:
        with self.lock:
            self.postgres = {**self.postgres, target: summary}


PG_STATES = ("active", "idle", "idle_in_transaction")


class DatabaseMetrics(Collector):
    def __init__(self, store: Store, state: DatabaseState) -> None:
        self.store = store
        self.state = state

    def _histogram(self) -> HistogramMetricFamily:
        family = HistogramMetricFamily("db_query_duration_seconds", "Store query time by query name", labels=["query"])
        for name, snap in sorted(self.store.timings.histograms().items()):
            cumulative, buckets = 0, []
            for bound, count in zip((*map(str, BUCKETS_SECONDS), "+Inf"), snap.buckets, strict=True):
                cumulative += count
                buckets.append((bound, cumulative))
            family.add_metric([name], buckets, snap.sum_seconds)
        return family

    def _store(self) -> Iterator[Metric]:
        yield GaugeMetricFamily("db_cursor_pool_size", "Store cursors opened (one per thread)", value=self.store.pool_size)
        yield CounterMetricFamily("db_cursor_waits", "Times a thread waited for the store's cursor pool",
                                  value=self.store.cursor_waits)
        db_bytes, wal_bytes = file_sizes(self.store.path)
        yield GaugeMetricFamily("db_file_size_bytes", "Size of the DuckDB file", value=db_bytes)
        yield GaugeMetricFamily("db_wal_size_bytes", "Size of the DuckDB write-ahead log", value=wal_bytes)
        rows = GaugeMetricFamily("db_table_rows", "Rows per store table (newest database sample)", labels=["table"])
        size = GaugeMetricFamily("db_table_size_bytes", "On-disk bytes per store table", labels=["table"])
        for table in self.state.tables:
            rows.add_metric([table["table_name"]], table.get("row_count") or 0)
            size.add_metric([table["table_name"]], table.get("size_bytes") or 0)
        yield rows
        yield size

    def _quality(self) -> Iterator[Metric]:
        passed = GaugeMetricFamily("data_quality_check_passed", "1 when the newest data-quality check passed",
                                   labels=["check", "table"])
        offending = GaugeMetricFamily("data_quality_offending_rows", "Rows the newest data-quality check flagged",
                                      labels=["check", "table"])
        for result in self.state.quality:
            labels = [result.check_name, result.table_name]
            passed.add_metric(labels, 1.0 if result.passed else 0.0)
            offending.add_metric(labels, result.offending)
        yield passed
        yield offending

    def _postgres(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("postgres_up", "1 when the watched PostgreSQL answered its last poll", labels=["target"])
        conns = GaugeMetricFamily("postgres_connections", "Client connections by state", labels=["target", "state"])
        limit = GaugeMetricFamily("postgres_max_connections", "max_connections setting", labels=["target"])
        hit = GaugeMetricFamily("postgres_cache_hit_ratio", "Share of block reads served from shared buffers",
                                labels=["target"])
        size = GaugeMetricFamily("postgres_database_size_bytes", "Size of the watched database", labels=["target"])
        for target, s in sorted(self.state.postgres.items()):
            up.add_metric([target], 1.0 if s.get("up") else 0.0)
            if not s.get("up"):
                continue
            for state in PG_STATES:
                conns.add_metric([target, state], s.get(f"connections_{state}") or 0)
            limit.add_metric([target], s.get("max_connections") or 0)
            if s.get("cache_hit_ratio") is not None:
                hit.add_metric([target], s["cache_hit_ratio"])
            size.add_metric([target], s.get("database_size_bytes") or 0)
        yield from (up, conns, limit, hit, size)

    def collect(self) -> Iterator[Metric]:
        yield self._histogram()
        yield from self._store()
        yield from self._quality()
        yield from self._postgres()
