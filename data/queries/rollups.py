"""Maintenance SQL of the rollup tables (migration 0006): per-minute rollups from raw rows, per-hour
rollups from the minute rollups, and the deletes of retention. Each range is [since, until).

Every statement's text is fixed (column lists are module constants); values are bound parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from time import perf_counter
from typing import Any

import duckdb

from data.queries import alert_buckets, outcome_status
from data.store import Store

MINUTE, HOUR = 60, 3600
BUCKETS_PER_DECADE = 20  # latency histogram resolution: a bucket spans a factor of 10^(1/20) = 1.122
MIN_BUCKET, MAX_BUCKET = -5 * BUCKETS_PER_DECADE, 2 * BUCKETS_PER_DECADE  # 10 us .. 100 s
# A quantile read from the histogram is the geometric middle of the bucket holding its order statistic,
# so it is within a factor 10^(1/40) (+-5.9 %) of that latency.
QUANTILE_RELATIVE_ERROR = 10 ** (1 / (2 * BUCKETS_PER_DECADE)) - 1

SYSTEM_AVG = (
    "cpu_percent",
    "memory_percent",
    "swap_percent",
    "memory_used_bytes",
    "disk_used_percent",
    "disk_read_bytes_per_second",
    "disk_write_bytes_per_second",
    "net_recv_bytes_per_second",
    "net_sent_bytes_per_second",
    "load_1m",
)
EVAL_AVG = ("auc", '"precision"', "recall", "accuracy", "estimated_accuracy", "labelled_share")
ROLLUP_TABLES = (
    "system_rollup",
    "system_core_rollup",
    "disk_rollup",
    "prediction_rollup",
    "prediction_error_rollup",
    "prediction_latency_rollup",
    "model_eval_rollup",
)

_BUCKET_SQL = (
    f"least(greatest(floor(log10(greatest(latency_seconds, 1e-12)) * {BUCKETS_PER_DECADE}), "
    f"{MIN_BUCKET}), {MAX_BUCKET})::SMALLINT"
)
_STATUS = outcome_status.STATUS_SQL  # per task: a regression within its model's tolerance

# Per-minute rollups from raw rows. Parameters: since, until.
_MINUTE_SQL = {
    "system_rollup": "SELECT 60, time_bucket(INTERVAL 1 MINUTE, ts), count(*), avg(cpu_percent), max(cpu_percent), "
    + ", ".join(f"avg({c})" for c in SYSTEM_AVG[1:])
    + " FROM system_samples WHERE ts >= ? AND ts < ? GROUP BY 2",
    "system_core_rollup": "SELECT 60, time_bucket(INTERVAL 1 MINUTE, ts), core - 1, count(*), avg(pct) FROM "
    "(SELECT ts, unnest(cpu_per_core_percent) AS pct, generate_subscripts(cpu_per_core_percent, 1) "
    "AS core FROM system_samples WHERE ts >= ? AND ts < ?) GROUP BY 2, 3",
    "disk_rollup": "SELECT 60, time_bucket(INTERVAL 1 MINUTE, ts), mountpoint, count(*), avg(used_percent) "
    "FROM disk_samples WHERE ts >= ? AND ts < ? GROUP BY 2, 3",
    "prediction_rollup": f"SELECT 60, time_bucket(INTERVAL 1 MINUTE, p.ts), p.model, count(*), "
    f"count(*) FILTER (p.status = 'error'), count(*) FILTER (p.status = 'ok'), "
    f"sum(p.latency_seconds) FILTER (p.status = 'ok'), count(o.id) FILTER (p.status = 'ok'), "
    f"count(*) FILTER ({_STATUS} = 'success') "
    f"FROM predictions p {outcome_status.JOINS} WHERE p.ts >= ? AND p.ts < ? GROUP BY 2, 3",
    "prediction_error_rollup": "SELECT 60, time_bucket(INTERVAL 1 MINUTE, ts), model, error_kind, count(*) "
    "FROM predictions WHERE status = 'error' AND ts >= ? AND ts < ? GROUP BY 2, 3, 4",
    "prediction_latency_rollup": f"SELECT 60, time_bucket(INTERVAL 1 MINUTE, ts), model, {_BUCKET_SQL}, count(*) "
    f"FROM predictions WHERE status = 'ok' AND latency_seconds IS NOT NULL "
    f"AND ts >= ? AND ts < ? GROUP BY 2, 3, 4",
    "model_eval_rollup": "SELECT 60, time_bucket(INTERVAL 1 MINUTE, ts), model, window_seconds, count(*), "
    + ", ".join(f"avg({c})" for c in EVAL_AVG)
    + " FROM model_evaluations WHERE ts >= ? AND ts < ? GROUP BY 2, 3, 4",
}


def _weighted(columns: Sequence[str], weight: str) -> str:
    return ", ".join(f"sum({c} * {weight}) / nullif(sum({weight}) FILTER ({c} IS NOT NULL), 0)" for c in columns)


# Per-hour rollups from the minute rollups. Parameters: since, until.
_FROM_MINUTES = "WHERE resolution_seconds = 60 AND ts >= ? AND ts < ?"
_HOUR_SQL = {
    "system_rollup": f"SELECT 3600, time_bucket(INTERVAL 1 HOUR, ts), sum(samples), {_weighted(SYSTEM_AVG[:1], 'samples')}, "
    f"max(cpu_percent_max), {_weighted(SYSTEM_AVG[1:], 'samples')} "
    f"FROM system_rollup {_FROM_MINUTES} GROUP BY 2",
    "system_core_rollup": f"SELECT 3600, time_bucket(INTERVAL 1 HOUR, ts), core, sum(samples), "
    f"{_weighted(['cpu_percent'], 'samples')} FROM system_core_rollup {_FROM_MINUTES} GROUP BY 2, 3",
    "disk_rollup": f"SELECT 3600, time_bucket(INTERVAL 1 HOUR, ts), mountpoint, sum(samples), "
    f"{_weighted(['used_percent'], 'samples')} FROM disk_rollup {_FROM_MINUTES} GROUP BY 2, 3",
    "prediction_rollup": f"SELECT 3600, time_bucket(INTERVAL 1 HOUR, ts), model, sum(requests), sum(errors), sum(ok_requests), "
    f"sum(latency_sum_seconds), sum(labelled), sum(successes) FROM prediction_rollup {_FROM_MINUTES} "
    f"GROUP BY 2, 3",
    "prediction_error_rollup": f"SELECT 3600, time_bucket(INTERVAL 1 HOUR, ts), model, error_kind, sum(errors) "
    f"FROM prediction_error_rollup {_FROM_MINUTES} GROUP BY 2, 3, 4",
    "prediction_latency_rollup": f"SELECT 3600, time_bucket(INTERVAL 1 HOUR, ts), model, bucket, sum(requests) "
    f"FROM prediction_latency_rollup {_FROM_MINUTES} GROUP BY 2, 3, 4",
    "model_eval_rollup": f"SELECT 3600, time_bucket(INTERVAL 1 HOUR, ts), model, window_seconds, sum(evaluations), "
    f"{_weighted(EVAL_AVG, 'evaluations')} FROM model_eval_rollup {_FROM_MINUTES} GROUP BY 2, 3, 4",
}


def _run(store: Store, cur: duckdb.DuckDBPyConnection, name: str, sql: str, params: Sequence[Any]) -> int:
    started = perf_counter()
    rows = cur.execute(sql, list(params)).fetchall()
    count = int(rows[0][0]) if rows and rows[0] and rows[0][0] is not None else 0
    store.timings.record(name, perf_counter() - started, count)
    return count


def rebuild(store: Store, resolution: int, since: datetime, until: datetime) -> int:
    """Recompute every rollup of one resolution over [since, until) (bucket-aligned) in one transaction:
    a reader sees the old buckets or the new ones, never a gap. Returns the rollup rows written."""
    sources = _MINUTE_SQL if resolution == MINUTE else _HOUR_SQL
    written = 0
    with store.transaction("rollups") as cur:
        for table, select in sources.items():
            _run(
                store,
                cur,
                f"rollups.clear_{table}",
                f"DELETE FROM {table} WHERE resolution_seconds = ? AND ts >= ? AND ts < ?",
                [resolution, since, until],
            )
            written += _run(store, cur, f"rollups.build_{table}", f"INSERT INTO {table} {select}", [since, until])
        if resolution == MINUTE:  # the alert backtest's 10 s buckets (data/queries/alert_buckets.py) ride along
            _run(
                store,
                cur,
                "rollups.clear_prediction_buckets",
                "DELETE FROM prediction_buckets WHERE ts >= ? AND ts < ?",
                [since, until],
            )
            written += _run(
                store,
                cur,
                "rollups.build_prediction_buckets",
                f"INSERT INTO prediction_buckets {alert_buckets.ROLLUP_SQL}",
                [since, until],
            )
    return written


def raw_bounds(store: Store) -> tuple[datetime | None, datetime | None]:
    """The oldest and newest raw timestamp the minute rollups are built from."""
    row = store.fetch_one(
        "rollups.raw_bounds",
        "SELECT min(lo), max(hi) FROM (SELECT min(ts) AS lo, max(ts) AS hi FROM system_samples "
        "UNION ALL SELECT min(ts), max(ts) FROM predictions UNION ALL SELECT min(ts), max(ts) FROM model_evaluations "
        "UNION ALL SELECT min(ts), max(ts) FROM disk_samples)",
    )
    return (row[0], row[1]) if row else (None, None)


def state(store: Store) -> dict[str, datetime | None]:
    return {name: until for name, until in store.fetch_all("rollups.state", "SELECT name, rolled_until FROM rollup_state")}


def set_state(store: Store, name: str, rolled_until: datetime, now: datetime) -> None:
    with store.transaction("rollups") as cur:
        _run(store, cur, "rollups.set_state", "INSERT OR REPLACE INTO rollup_state VALUES (?, ?, ?)", [name, rolled_until, now])


# Raw tables and the timestamp column retention compares; outcomes go with their prediction.
RAW_SYSTEM = ("system_samples", "disk_samples", "process_samples", "service_samples")
RAW_PREDICTIONS = ("prediction_features", "prediction_categories", "predictions", "prediction_buckets")
# The evaluation job's results: kept as long as the raw predictions they came from (the quality series
# lives on in the model-metrics rollups); never pruned before, they grew by ~10^5 rows a day at 30 s passes
# and each newest-row read scanned them all.
RAW_EVALUATIONS = ("model_evaluations", "feature_drift", "feature_drift_detail", "feature_importance")


def delete_before(store: Store, tables: Sequence[str], cutoff: datetime, resolution: int | None = None) -> dict[str, int]:
    """Delete rows older than `cutoff` from each table (rollup tables: of one resolution) in one transaction;
    deleting predictions also deletes their outcomes. Returns rows deleted per table."""
    deleted: dict[str, int] = {}
    with store.transaction("rollups") as cur:
        for table in tables:
            if table == "predictions":
                deleted["outcomes"] = _run(
                    store,
                    cur,
                    "retention.delete_outcomes",
                    "DELETE FROM outcomes WHERE id IN (SELECT id FROM predictions WHERE ts < ?)",
                    [cutoff],
                )
                deleted["outcome_values"] = _run(  # regression labels go with their outcomes
                    store,
                    cur,
                    "retention.delete_outcome_values",
                    "DELETE FROM outcome_values WHERE id IN (SELECT id FROM predictions WHERE ts < ?)",
                    [cutoff],
                )
            params: list[int | datetime]
            if resolution is None:
                sql, params = f"DELETE FROM {table} WHERE ts < ?", [cutoff]
            else:
                sql, params = f"DELETE FROM {table} WHERE resolution_seconds = ? AND ts < ?", [resolution, cutoff]
            deleted[table] = _run(store, cur, f"retention.delete_{table}", sql, params)
    return deleted


def checkpoint(store: Store) -> bool:
    """Fold the WAL into the file and reclaim deleted rows' space; False when another transaction was
    running (DuckDB then refuses; the next pass, or DuckDB's own automatic checkpoint, does it)."""
    with store.cursor() as cur:
        started = perf_counter()
        try:
            cur.execute("CHECKPOINT")
        except duckdb.Error:
            return False
        finally:
            store.timings.record("retention.checkpoint", perf_counter() - started, 0)
    return True
