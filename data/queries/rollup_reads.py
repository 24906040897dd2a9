"""Chart series read from the rollup tables, for ranges where raw rows would be too many.

`resolution_for` picks the coarsest stored resolution that still gives at least MIN_POINTS points;
each reader returns the same columns as its raw twin in data/queries/system.py or predictions.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from data.queries.rollups import BUCKETS_PER_DECADE, EVAL_AVG, HOUR, MINUTE, SYSTEM_AVG
from data.store import Store

if TYPE_CHECKING:
    import pandas as pd

MIN_POINTS = 300
# Points per series (about: step_seconds rounds) where the evaluation job's results are drawn: one a minute
# over the 24 h range, about the pixels across a full-width chart. A 7 d range at the minute rollups was
# 10,080 points a series at a 30 s --eval-interval; building and sending them was most of the Model page's time.
MAX_POINTS = 1440


def resolution_for(since: datetime, until: datetime, min_points: int = MIN_POINTS) -> int | None:
    """60 or 3600 seconds, or None for raw rows (ranges short enough that rollups would be too coarse)."""
    span = (until - since).total_seconds()
    for resolution in (HOUR, MINUTE):
        if span / resolution >= min_points:
            return resolution
    return None


def step_seconds(since: datetime, until: datetime, resolution: int, target: int) -> int:
    """Seconds per chart point: a whole number of rollup buckets giving about `target` points."""
    span = max(1.0, (until - since).total_seconds())
    return resolution * max(1, int(round(span / target / resolution)))


def _wavg(column: str, weight: str = "samples") -> str:
    return f"sum({column} * {weight}) / nullif(sum({weight}) FILTER ({column} IS NOT NULL), 0) AS {column}"


def system_series(store: Store, since: datetime, until: datetime, resolution: int, target: int) -> pd.DataFrame:
    return store.fetch_df(
        f"rollup.system_series_{resolution}",
        f"SELECT time_bucket(to_seconds(?), ts) AS ts, {', '.join(_wavg(c) for c in SYSTEM_AVG)}, sum(samples) AS samples "
        "FROM system_rollup WHERE resolution_seconds = ? AND ts >= ? AND ts <= ? GROUP BY 1 ORDER BY 1",
        [step_seconds(since, until, resolution, target), resolution, since, until],
    )


def core_series(store: Store, since: datetime, until: datetime, resolution: int, target: int) -> pd.DataFrame:
    return store.fetch_df(
        f"rollup.core_series_{resolution}",
        f"SELECT time_bucket(to_seconds(?), ts) AS ts, core, {_wavg('cpu_percent')} FROM system_core_rollup "
        "WHERE resolution_seconds = ? AND ts >= ? AND ts <= ? GROUP BY 1, 2 ORDER BY 1, 2",
        [step_seconds(since, until, resolution, target), resolution, since, until],
    )


def disk_series(store: Store, since: datetime, until: datetime, resolution: int, target: int) -> pd.DataFrame:
    return store.fetch_df(
        f"rollup.disk_series_{resolution}",
        f"SELECT time_bucket(to_seconds(?), ts) AS ts, mountpoint, {_wavg('used_percent')} FROM disk_rollup "
        "WHERE resolution_seconds = ? AND ts >= ? AND ts <= ? GROUP BY 1, 2 ORDER BY 1, 2",
        [step_seconds(since, until, resolution, target), resolution, since, until],
    )


def _quantile(q: float) -> str:
    """The bucket holding the order statistic quantile_disc picks (the ceil(n q)-th smallest), as its geometric middle."""
    return f"power(10, (min(bucket) FILTER (cum >= ceil(total * {q})) + 0.5) / {BUCKETS_PER_DECADE}) AS p{round(q * 100)}"


def throughput_series(
    store: Store, since: datetime, until: datetime, model: str | None, resolution: int, target: int
) -> pd.DataFrame:
    """Same columns as predictions.throughput_series; quantiles from the latency histograms."""
    step = step_seconds(since, until, resolution, target)
    return store.fetch_df(
        f"rollup.throughput_series_{resolution}",
        f"""
        WITH r AS (SELECT time_bucket(to_seconds(?), ts) AS ts, model, sum(requests) / ? AS requests_per_second,
                          sum(errors) / ? AS errors_per_second
                   FROM prediction_rollup WHERE resolution_seconds = ? AND ts >= ? AND ts <= ? AND (? IS NULL OR model = ?)
                   GROUP BY ALL),
        h AS (SELECT time_bucket(to_seconds(?), ts) AS ts, model, bucket, sum(requests) AS n
              FROM prediction_latency_rollup WHERE resolution_seconds = ? AND ts >= ? AND ts <= ? AND (? IS NULL OR model = ?)
              GROUP BY ALL),
        t AS (SELECT ts, model, sum(n) AS total FROM h GROUP BY ALL),  -- a join: half the cost of a 2nd window
        c AS (SELECT h.ts, h.model, bucket, sum(n) OVER (PARTITION BY h.ts, h.model ORDER BY bucket) AS cum, total
              FROM h JOIN t USING (ts, model)),
        qs AS (SELECT ts, model, {_quantile(0.5)}, {_quantile(0.95)}, {_quantile(0.99)} FROM c GROUP BY ts, model)
        SELECT r.ts, r.model, r.requests_per_second, r.errors_per_second, qs.p50, qs.p95, qs.p99
        FROM r LEFT JOIN qs USING (ts, model) ORDER BY 1, 2
        """,
        [step, float(step), float(step), resolution, since, until, model, model, step, resolution, since, until, model, model],
    )


def error_series(store: Store, since: datetime, until: datetime, model: str | None, resolution: int, target: int) -> pd.DataFrame:
    step = step_seconds(since, until, resolution, target)
    return store.fetch_df(
        f"rollup.error_series_{resolution}",
        """
        WITH t AS (SELECT time_bucket(to_seconds(?), ts) AS ts, sum(requests) AS total FROM prediction_rollup
                   WHERE resolution_seconds = ? AND ts >= ? AND ts <= ? AND (? IS NULL OR model = ?) GROUP BY 1),
        e AS (SELECT time_bucket(to_seconds(?), ts) AS ts, error_kind, sum(errors) AS errors FROM prediction_error_rollup
              WHERE resolution_seconds = ? AND ts >= ? AND ts <= ? AND (? IS NULL OR model = ?) GROUP BY 1, 2)
        SELECT ts, error_kind, 100.0 * errors / total AS error_percent FROM e JOIN t USING (ts) ORDER BY ts, error_kind
        """,
        [step, resolution, since, until, model, model, step, resolution, since, until, model, model],
    )


def success_series(
    store: Store, since: datetime, until: datetime, model: str | None, resolution: int, target: int
) -> pd.DataFrame:
    return store.fetch_df(
        f"rollup.success_series_{resolution}",
        "SELECT time_bucket(to_seconds(?), ts) AS ts, model, "
        "100.0 * sum(successes) / nullif(sum(labelled), 0) AS success_percent, "
        "100.0 * sum(labelled) / nullif(sum(ok_requests), 0) AS labelled_percent "
        "FROM prediction_rollup WHERE resolution_seconds = ? AND ts >= ? AND ts <= ? AND (? IS NULL OR model = ?) "
        "AND ok_requests > 0 GROUP BY ALL ORDER BY 1, 2",
        [step_seconds(since, until, resolution, target), resolution, since, until, model, model],
    )


def latency_histogram(store: Store, since: datetime, until: datetime, model: str | None, resolution: int) -> pd.DataFrame:
    """The raw chart's 10-per-decade millisecond bins are exactly pairs of the 20-per-decade second buckets."""
    return store.fetch_df(
        f"rollup.latency_histogram_{resolution}",
        "SELECT model, power(10, (floor(bucket / 2) + 30) / 10) AS latency_ms, sum(requests) AS requests "
        "FROM prediction_latency_rollup WHERE resolution_seconds = ? AND ts >= ? AND ts <= ? "
        "AND (? IS NULL OR model = ?) GROUP BY ALL ORDER BY 1, 2",
        [resolution, since, until, model, model],
    )


def quality_series(
    store: Store, model: str | None, window_seconds: int, since: datetime, until: datetime, resolution: int
) -> pd.DataFrame:
    """Model metrics per rollup bucket (means of the evaluations in it), like model_views.quality_series. A
    range holding many more buckets than MAX_POINTS merges whole buckets, weighted by their evaluations; a
    merged bucket is empty (a gap in the line) only where every bucket in it was (no measurable evaluation)."""
    where = (
        "FROM model_eval_rollup WHERE resolution_seconds = ? AND window_seconds = ? AND (? IS NULL OR model = ?) "
        "AND ts >= ? AND ts <= ?"
    )
    params = [resolution, window_seconds, model, model, since, until]
    step = step_seconds(since, until, resolution, MAX_POINTS)
    if step == resolution:
        return store.fetch_df(
            f"rollup.quality_series_{resolution}",
            f"SELECT ts, model, {', '.join(EVAL_AVG)}, evaluations {where} ORDER BY model, ts",
            params,
        )
    means = ", ".join(f"weighted_avg({c}, evaluations) AS {c}" for c in EVAL_AVG)  # NULLs left out; all NULL: NULL
    return store.fetch_df(
        f"rollup.quality_series_{resolution}_merged",
        f"SELECT time_bucket(to_seconds(?), ts) AS ts, model, {means}, sum(evaluations) AS evaluations "
        f"{where} GROUP BY ALL ORDER BY model, ts",
        [step, *params],
    )
