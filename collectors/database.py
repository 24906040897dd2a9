"""The database collectors: the store's health and query statistics every `db_stats_interval`,
and the data-quality checks every `quality_interval`. Both only read the store and queue rows."""

from __future__ import annotations

from datetime import datetime, timedelta

from analytics.data_quality import QualityConfig, QualityResult, count_rule, volume_rule
from collectors.postgres import PostgresCollector
from data.queries import data_quality as dq
from data.queries import database as q
from data.store import Store
from data.writer import Writer
from settings import Settings
from state.databases import DatabaseState
from telemetry.exposition import expose_databases
from telemetry.metrics import Telemetry


class DatabaseCollector:
    """Store health: per-name query stats and the slowest queries of the window, cursor pool use,
    file and WAL size, table sizes, and rows scanned vs returned for the key queries."""

    name = "database"

    def __init__(self, store: Store, writer: Writer, state: DatabaseState, interval: float = 60.0) -> None:
        self.store, self.writer, self.state, self.interval = store, writer, state, interval
        self._last_at: datetime | None = None
        self._last_wal_bytes: int | None = None
        self.last_checkpoint: datetime | None = None

    def _sample(self, now: datetime) -> tuple:
        peak, wait_max = self.store.take_pool_window()
        sizes = q.file_sizes(self.store.path)
        # DuckDB does not report checkpoints; the WAL shrinking between two samples means one ran.
        if self._last_wal_bytes is not None and sizes.wal_bytes < self._last_wal_bytes:
            self.last_checkpoint = now
        self._last_wal_bytes = sizes.wal_bytes
        return (
            now,
            self.store.active_cursors,
            peak,
            self.store.pool_size,
            self.store.cursor_waits,
            wait_max,
            self.store.timings.total_queries,
            sizes.db_bytes,
            sizes.wal_bytes,
            self.last_checkpoint,
            self.writer.queue_length,
            self.writer.stats.last_batch_seconds,
        )

    def collect(self, now: datetime) -> dict[str, list[tuple]]:
        window = (now - self._last_at).total_seconds() if self._last_at else self.interval
        self._last_at = now
        stats, slow = self.store.timings.drain()
        tables = q.table_stats(self.store)
        scans = q.profile_key_queries(self.store)
        self.state.set(tables=tables)
        return {
            "db_samples": [self._sample(now)],
            "db_query_stats": [
                (now, s.query, window, s.calls, s.total_seconds, s.p50_seconds, s.p95_seconds, s.max_seconds, s.rows_returned)
                for s in stats
            ],
            "db_slow_queries": [(s.at, s.query, s.duration_seconds, s.rows_returned) for s in slow],
            "db_table_stats": [(now, t["table_name"], t["row_count"], t["size_bytes"], t["index_count"]) for t in tables],
            "db_scan_samples": [
                (now, s["query"], s["rows_scanned"], s["rows_returned"], s["table_rows"], s["scan_types"], s["duration_seconds"])
                for s in scans
            ],
        }


def _rule(check: str, table: str, counts: dq.Counts | dq.Flagged, what: str, max_share: float = 0.0) -> QualityResult:
    return count_rule(check, table, counts.offending, counts.checked, counts.example_id, what, max_share)


def run_checks(store: Store, now: datetime, config: QualityConfig) -> list[QualityResult]:
    """Every data-quality check over the window ending now."""
    window = timedelta(seconds=config.window_seconds)
    since = now - window
    labelled_until = now - timedelta(seconds=config.label_delay_seconds)
    grace = timedelta(seconds=config.orphan_grace_seconds)
    outside = dq.out_of_range(store, since, now, now - timedelta(days=7), config.range_tolerance, config.reference_min_rows)
    volume = dq.volume(store, since, now, since - 4 * window)
    return [
        _rule(
            "missing_features",
            "prediction_features",
            dq.missing_features(store, since, now),
            "successful predictions with missing or null feature values",
        ),
        _rule(
            "out_of_range",
            "prediction_features",
            outside,
            "values outside the reference range" + (f" ({outside.detail})" if outside.detail else ""),
            config.range_max_share,
        ),
        _unseen_rule(dq.unseen_categories(store, since, now), config),
        _rule("non_finite", "prediction_features", dq.non_finite_features(store, since, now), "NaN or infinite feature values"),
        _rule("non_finite", "predictions", dq.non_finite_predictions(store, since, now), "NaN or infinite scores or latencies"),
        _rule(
            "duplicate_ids", "prediction_features", dq.duplicate_ids(store, since, now), "prediction ids logged more than once"
        ),
        _rule("score_range", "predictions", dq.score_range(store, since, now), "scores outside [0, 1]"),
        _rule(
            "timestamp_range",
            "predictions",
            dq.timestamp_range(store, since, now, config.future_skew_seconds, config.max_age_seconds),
            "predictions timestamped in the future or far in the past",
        ),
        _rule(
            "orphan_outcomes", "outcomes", dq.orphan_outcomes(store, since - grace, now - grace), "outcomes with no prediction"
        ),
        _rule(
            "overdue_labels",
            "predictions",
            dq.overdue_labels(store, labelled_until - window, labelled_until, now - timedelta(days=1)),
            f"predictions without an outcome {config.label_delay_seconds:.0f} s after they were made",
            config.overdue_max_share,
        ),
        volume_rule(volume.rows, volume.baseline_rows, volume.baseline_seconds, config.window_seconds, config),
    ]


def _unseen_rule(unseen: dq.Flagged, config: QualityConfig) -> QualityResult:
    """Categories never seen in the reference (counted as "other" in the profiles), with examples."""
    return _rule(
        "unseen_categories",
        "prediction_categories",
        unseen,
        "categories never seen in the reference" + (f" (e.g. {unseen.detail})" if unseen.detail else ""),
        config.range_max_share,
    )


class QualityCollector:
    """The data-quality checks; results go to `quality_checks` (alert rules read them there)."""

    name = "data_quality"

    def __init__(self, store: Store, state: DatabaseState, config: QualityConfig, interval: float = 60.0) -> None:
        self.store, self.state, self.config, self.interval = store, state, config, interval

    def collect(self, now: datetime) -> dict[str, list[tuple]]:
        results = run_checks(self.store, now, self.config)
        self.state.set(quality=results)
        return {"quality_checks": dq.rows_of(results, now)}


def quality_config(settings: Settings) -> QualityConfig:
    return QualityConfig(window_seconds=settings.quality_window, label_delay_seconds=settings.label_delay)


def database_collectors(settings: Settings, store: Store, writer: Writer, state: DatabaseState, telemetry: Telemetry) -> list:
    """The database, data-quality and PostgreSQL collectors of one app (their readings go to `state`);
    their /metrics too."""
    expose_databases(telemetry, store, state)
    found: list = [
        DatabaseCollector(store, writer, state, settings.db_stats_interval),
        QualityCollector(store, state, quality_config(settings), settings.quality_interval),
    ]
    for target, dsn in settings.postgres_targets:
        found.append(PostgresCollector(target, dsn, state, settings.postgres_interval, settings.postgres_timeout))
    return found
