"""Reads of predictions and outcomes for the API and the Predictions page."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from data.queries import outcome_status, rollup_reads
from data.queries.system import bucket_seconds
from data.store import Store

if TYPE_CHECKING:
    import pandas as pd

# A prediction's outcome status per task, over `p` and the aliases of JOINS (data/queries/outcome_status.py).
STATUS_SQL, JOINS = outcome_status.STATUS_SQL, outcome_status.JOINS
# What only a regression or a multiclass row has (NULL for the other tasks): its label's value; its true class.
LABEL_VALUE = "CASE WHEN mt.task = 'regression' THEN coalesce(x.value, o.label::DOUBLE) END"
TRUE_CLASS = "CASE WHEN mt.task = 'multiclass' THEN coalesce(x.truth, o.label::VARCHAR) END"
STATUSES = ("success", "failure", "pending", "error")
STATUS_LOOKBACK = timedelta(hours=24)  # a status filter looks this far back
# The outcome tables bounded by the ids of a CTE `p`. For success_series DuckDB hashed every outcome for the
# LEFT JOIN (~0.5 s at 2M) where a 1 h window holds a few thousand; this semi-join lets it filter the
# outcomes scan by the window's ids (with sequential ids it skips whole row groups). The other joins here
# were measured too: DuckDB already plans them well, and the rewrite made them slightly slower.
JOINS_OF_P = outcome_status.JOINS_OF_P


def recent(store: Store, limit: int, model: str | None, status: str | None, now: datetime) -> list[dict[str, Any]]:
    """Newest predictions first, with their outcome and status (and the task's own prediction and label:
    label_value of a regression, predicted_class and true_class of a multiclass model)."""
    since = now - STATUS_LOOKBACK if status else datetime(1970, 1, 1)
    return store.fetch_dicts(
        "predictions.recent",
        f"""
        SELECT p.id, p.ts AS timestamp, p.model, p.model_version, p.score, p.predicted_label, o.label,
               {STATUS_SQL} AS status, p.latency_seconds, p.error_kind, coalesce(mt.task, 'binary') AS task,
               {LABEL_VALUE} AS label_value, x.predicted AS predicted_class, {TRUE_CLASS} AS true_class
        FROM (SELECT * FROM predictions WHERE (? IS NULL OR model = ?) AND ts >= ?
              {"" if status else "ORDER BY ts DESC LIMIT ?"}) p
        {JOINS}
        WHERE (? IS NULL OR {STATUS_SQL} = ?)
        ORDER BY p.ts DESC, p.id LIMIT ?
        """,
        [model, model, since, *([] if status else [limit]), status, status, limit],
    )


def success_trend(store: Store, now: datetime, model: str | None = None) -> list[dict[str, Any]]:
    """Success rate among labelled predictions over the last 5 min, 1 h and 24 h."""
    return store.fetch_dicts(
        "predictions.trend",
        f"""
        SELECT w.label AS window, count(*) FILTER (status IN ('success', 'failure')) AS labelled,
               count(*) FILTER (status = 'success') AS successes,
               count(*) FILTER (status = 'success') / nullif(count(*) FILTER (status IN ('success', 'failure')), 0)
                   AS success_rate
        FROM (VALUES ('5m', 300), ('1h', 3600), ('24h', 86400)) w(label, seconds)
        LEFT JOIN (SELECT p.ts, {STATUS_SQL} AS status FROM predictions p {JOINS}
                   WHERE p.ts >= ? AND (? IS NULL OR p.model = ?)) r
               ON r.ts >= ? - to_seconds(w.seconds)
        GROUP BY w.label, w.seconds ORDER BY w.seconds
        """,
        [now - timedelta(hours=24), model, model, now],
    )


def performance(store: Store, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Per model: requests, errors, latency quantiles of successful requests, labelled and correct counts."""
    return store.fetch_dicts(
        "predictions.performance",
        f"""
        SELECT p.model, count(*) AS requests, count(*) FILTER (p.status = 'error') AS errors,
               quantile_cont(p.latency_seconds, 0.5) FILTER (p.status = 'ok') AS p50,
               quantile_cont(p.latency_seconds, 0.95) FILTER (p.status = 'ok') AS p95,
               quantile_cont(p.latency_seconds, 0.99) FILTER (p.status = 'ok') AS p99,
               avg(p.latency_seconds) FILTER (p.status = 'ok') AS avg,
               count(o.id) FILTER (p.status = 'ok') AS labelled,
               count(*) FILTER ({STATUS_SQL} = 'success') AS successes
        FROM predictions p {JOINS}
        WHERE p.ts >= ? AND p.ts <= ?
        GROUP BY p.model ORDER BY p.model
        """,
        [since, until],
    )


def errors_by_kind(store: Store, since: datetime, until: datetime) -> list[dict[str, Any]]:
    return store.fetch_dicts(
        "predictions.errors",
        "SELECT model, error_kind, count(*) AS errors FROM predictions "
        "WHERE status = 'error' AND ts >= ? AND ts <= ? GROUP BY ALL ORDER BY model, error_kind",
        [since, until],
    )


def known_models(store: Store) -> list[str]:
    return [r[0] for r in store.fetch_all("predictions.models", "SELECT DISTINCT model FROM predictions ORDER BY 1")]


def throughput_series(store: Store, since: datetime, until: datetime, model: str | None) -> pd.DataFrame:
    """Per bucket and model: requests/s, errors/s, latency p50/p95/p99 of successful requests."""
    if resolution := rollup_reads.resolution_for(since, until):  # long ranges read the rollups
        return rollup_reads.throughput_series(store, since, until, model, resolution, 300)
    step = bucket_seconds(since, until, target=300)
    return store.fetch_df(
        "predictions.series",
        """
        SELECT time_bucket(to_seconds(?), ts) AS ts, model,
               count(*) / ? AS requests_per_second,
               count(*) FILTER (status = 'error') / ? AS errors_per_second,
               quantile_cont(latency_seconds, 0.5) FILTER (status = 'ok') AS p50,
               quantile_cont(latency_seconds, 0.95) FILTER (status = 'ok') AS p95,
               quantile_cont(latency_seconds, 0.99) FILTER (status = 'ok') AS p99
        FROM predictions WHERE ts >= ? AND ts <= ? AND (? IS NULL OR model = ?)
        GROUP BY ALL ORDER BY 1, 2
        """,
        [step, float(step), float(step), since, until, model, model],
    )


def error_series(store: Store, since: datetime, until: datetime, model: str | None) -> pd.DataFrame:
    """Per bucket: the share of requests that failed, by error kind (percent)."""
    if resolution := rollup_reads.resolution_for(since, until):
        return rollup_reads.error_series(store, since, until, model, resolution, 300)
    step = bucket_seconds(since, until, target=300)
    return store.fetch_df(
        "predictions.error_series",
        """
        WITH b AS (SELECT time_bucket(to_seconds(?), ts) AS ts, status, error_kind FROM predictions
                   WHERE ts >= ? AND ts <= ? AND (? IS NULL OR model = ?))
        SELECT ts, error_kind, 100.0 * count(*) / any_value(total) AS error_percent
        FROM b JOIN (SELECT ts, count(*) AS total FROM b GROUP BY ts) t USING (ts)
        WHERE status = 'error' GROUP BY ts, error_kind ORDER BY ts, error_kind
        """,
        [step, since, until, model, model],
    )


def success_series(store: Store, since: datetime, until: datetime, model: str | None) -> pd.DataFrame:
    """Per bucket and model: success rate among predictions whose labels have arrived, and the labelled share."""
    if resolution := rollup_reads.resolution_for(since, until):
        return rollup_reads.success_series(store, since, until, model, resolution, 300)
    return raw_success_series(store, since, until, model, bucket_seconds(since, until, target=300))


def raw_success_series(store: Store, since: datetime, until: datetime, model: str | None, step: int) -> pd.DataFrame:
    """success_series from raw rows, `step` seconds a point."""
    return store.fetch_df(
        "predictions.success_series",
        f"""
        WITH p AS (SELECT id, ts, model, status, score, predicted_label FROM predictions
                   WHERE status = 'ok' AND ts >= ? AND ts <= ? AND (? IS NULL OR model = ?))
        SELECT time_bucket(to_seconds(?), p.ts) AS ts, p.model,
               100.0 * count(*) FILTER ({STATUS_SQL} = 'success') / nullif(count(o.id), 0) AS success_percent,
               100.0 * count(o.id) / count(*) AS labelled_percent
        FROM p {JOINS_OF_P}
        GROUP BY ALL ORDER BY 1, 2
        """,
        [since, until, model, model, step],
    )


def latency_histogram(store: Store, since: datetime, until: datetime, model: str | None) -> pd.DataFrame:
    """Counts of successful-request latencies in log-spaced bins (milliseconds)."""
    if resolution := rollup_reads.resolution_for(since, until):
        return rollup_reads.latency_histogram(store, since, until, model, resolution)
    return store.fetch_df(
        "predictions.latency_histogram",
        """
        SELECT model, power(10, floor(log10(greatest(latency_seconds * 1000, 0.01)) * 10) / 10) AS latency_ms,
               count(*) AS requests
        FROM predictions WHERE status = 'ok' AND ts >= ? AND ts <= ? AND (? IS NULL OR model = ?)
        GROUP BY ALL ORDER BY 1, 2
        """,
        [since, until, model, model],
    )


def in_flight_series(store: Store, since: datetime, until: datetime) -> pd.DataFrame:
    step = bucket_seconds(since, until, target=300)
    return store.fetch_df(
        "service.in_flight",
        "SELECT time_bucket(to_seconds(?), ts) AS ts, max(in_flight) AS in_flight, max(active_models) AS active_models "
        "FROM service_samples WHERE ts >= ? AND ts <= ? GROUP BY 1 ORDER BY 1",
        [step, since, until],
    )


def window_summary(store: Store, since: datetime, until: datetime) -> dict[str, Any]:
    """All models together: requests, errors, the first request's time, p95 and mean latency of successful requests,
    labelled and correct counts."""
    return store.fetch_dicts(
        "predictions.window_summary",
        f"""
        SELECT count(*) AS requests, count(*) FILTER (p.status = 'error') AS errors, min(p.ts) AS first_ts,
               quantile_cont(p.latency_seconds, 0.95) FILTER (p.status = 'ok') AS p95,
               avg(p.latency_seconds) FILTER (p.status = 'ok') AS avg_latency,
               count(o.id) FILTER (p.status = 'ok') AS labelled,
               count(*) FILTER ({STATUS_SQL} = 'success') AS successes
        FROM predictions p {JOINS}
        WHERE p.ts >= ? AND p.ts <= ?
        """,
        [since, until],
    )[0]
