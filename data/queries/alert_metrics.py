"""The values alert rules watch: now (for the alerting collector) and as a series (for backtests).

Every metric answers (value, samples, subject). A table that does not exist yet (a later
migration) or holds nothing gives "no data", never an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from data.queries import alert_buckets
from data.store import Store

if TYPE_CHECKING:
    import pandas as pd

# metric -> the table it reads; host metrics come from one row of system_samples.
SOURCES = {
    "cpu_percent": "system_samples",
    "memory_percent": "system_samples",
    "disk_used_percent": "system_samples",
    "latency_seconds_avg": "prediction_buckets",
    "error_percent": "prediction_buckets",
    "accuracy_drop_points": "model_evaluations",
    "drift_psi_max": "feature_drift",
    "multivariate_drift": "multivariate_drift",
    "estimator_error": "model_evaluations",
    "process_up": "process_samples",
    "mae": "model_evaluations",
    "rmse_ratio_to_reference": "model_evaluations",
    "macro_f1_drop": "model_evaluations",
}
HOST = ("cpu_percent", "memory_percent", "disk_used_percent")
IMPORTANT_FEATURES = 5  # drift counts on a model's top features by importance (all, before any importance)
BUCKET_SECONDS = 10  # backtest step for windowed prediction metrics


class Observation(NamedTuple):
    value: float | None
    samples: int  # behind the value
    subject: str | None  # "model=m1,feature=f2"; None for host and prediction metrics
    error: float | None = None  # the value's standard error, for a metric that has one (accuracy_drop_points)


class SubjectValue(NamedTuple):
    subject: str | None
    value: float
    error: float | None = None  # the value's standard error, for a metric that has one


def subject_text(**labels: str) -> str:
    """A subject's labels as stored in `alerts.subject`: `model=m1,feature=f2` (read back by
    analytics.alert_rules.subject_labels)."""
    return ",".join(f"{k}={v}" for k, v in labels.items())


def existing_tables(store: Store) -> set[str]:
    rows = store.fetch_all("alerts.tables", "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")
    return {r[0] for r in rows}


def _host(store: Store, now: datetime, stale_seconds: float) -> dict[str, list[Observation]]:
    row = store.fetch_one(
        "alerts.host",
        "SELECT cpu_percent, memory_percent, disk_used_percent FROM system_samples "
        "WHERE ts >= ? AND ts <= ? ORDER BY ts DESC LIMIT 1",
        [now - timedelta(seconds=stale_seconds), now],
    )
    return {m: [Observation(row[i] if row else None, 1 if row and row[i] is not None else 0, None)] for i, m in enumerate(HOST)}


def _predictions(
    store: Store, now: datetime, window_seconds: float, recent: alert_buckets.RecentBuckets | None
) -> dict[str, list[Observation]]:
    """From the alerting pass's 10 s buckets and the raw rows at the window's two ends (without them,
    from raw rows: a one-off read)."""
    if recent is None:
        recent = alert_buckets.RecentBuckets(store, timedelta(seconds=window_seconds))
        recent.refresh(now)
    sums = recent.window_sums(now - timedelta(seconds=window_seconds), now)
    return {
        "latency_seconds_avg": [Observation(sums.latency_avg, sums.ok_requests, None)],
        "error_percent": [Observation(sums.error_percent, sums.requests, None)],
    }


def _accuracy(store: Store, now: datetime, max_age_seconds: float) -> list[Observation]:
    """Each model's drop of its newest usable evaluation, in points, with its standard error: one per model."""
    rows = store.fetch_all(
        "alerts.accuracy",
        """
        SELECT 100 * accuracy_drop, labelled, model, 100 * accuracy_drop_se FROM model_evaluations
        WHERE status = 'ok' AND accuracy_drop IS NOT NULL AND ts >= ? AND ts <= ?
        QUALIFY row_number() OVER (PARTITION BY model ORDER BY ts DESC) = 1
        ORDER BY model
        """,
        [now - timedelta(seconds=max_age_seconds), now],
    )
    return [Observation(r[0], int(r[1] or 0), subject_text(model=r[2]), r[3]) for r in rows]


def _estimator(store: Store, now: datetime, max_age_seconds: float) -> list[Observation]:
    """Each model's estimator error (in standard errors) from the shortest window of its newest pass that
    met the sample-size gate: the shortest window turns first when calibration breaks."""
    rows = store.fetch_all(
        "alerts.estimator",
        f"SELECT model, value, labelled FROM ({_ESTIMATOR}) WHERE ts >= ? AND ts <= ? "
        "QUALIFY row_number() OVER (PARTITION BY model ORDER BY ts DESC, window_seconds) = 1 ORDER BY model",
        [now - timedelta(seconds=max_age_seconds), now],
    )
    return [Observation(float(r[1]), int(r[2]), subject_text(model=r[0])) for r in rows]


_ESTIMATOR = """SELECT ts, model, window_seconds, estimator_error AS value, labelled FROM model_evaluations
    WHERE status = 'ok' AND estimator_error IS NOT NULL"""


def _drift(store: Store, now: datetime, max_age_seconds: float) -> list[Observation]:
    """The newest PSI of each model's five most important features (by each feature's newest
    importance; every feature while a model has none yet): one observation per model and feature.
    Each from the shortest window of the newest evaluation that met the verdict's sample gate (a row
    below it has no PSI): never the last interval's few rows alone, however few they are."""
    rows = store.fetch_all(
        "alerts.drift",
        """
        WITH latest AS (
            SELECT model, feature, psi, current_count FROM feature_drift WHERE ts >= ? AND ts <= ? AND psi IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY model, feature ORDER BY ts DESC, window_seconds) = 1),
        importance AS (
            SELECT model, feature, importance FROM feature_importance
            QUALIFY row_number() OVER (PARTITION BY model, feature ORDER BY ts DESC) = 1),
        ranked AS (
            SELECT model, feature, row_number() OVER (PARTITION BY model ORDER BY importance DESC NULLS LAST,
                                                      feature) AS rank
            FROM importance)
        SELECT l.psi, l.current_count, l.model, l.feature FROM latest l
        LEFT JOIN ranked r ON r.model = l.model AND r.feature = l.feature
        WHERE r.rank <= ? OR NOT EXISTS (SELECT 1 FROM ranked WHERE ranked.model = l.model)
        ORDER BY l.model, l.feature
        """,
        [now - timedelta(seconds=max_age_seconds), now, IMPORTANT_FEATURES],
    )
    return [Observation(r[0], int(r[1] or 0), subject_text(model=r[2], feature=r[3])) for r in rows]


def _multivariate(store: Store, now: datetime, max_age_seconds: float) -> list[Observation]:
    """Each model's multivariate error over its band's top (above 1: outside the band), from the shortest
    window of its newest pass with at least a reference chunk's rows (answers/multivariate.py)."""
    rows = store.fetch_all(
        "alerts.multivariate",
        f"SELECT model, value, n FROM ({_MULTIVARIATE}) WHERE ts >= ? AND ts <= ? "
        "QUALIFY row_number() OVER (PARTITION BY model ORDER BY ts DESC, window_seconds) = 1 ORDER BY model",
        [now - timedelta(seconds=max_age_seconds), now],
    )
    return [Observation(float(r[1]), int(r[2]), subject_text(model=r[0])) for r in rows]


_MULTIVARIATE = """SELECT ts, model, window_seconds, error / band_high AS value, n FROM multivariate_drift
    WHERE error IS NOT NULL AND band_high > 0 AND verdict <> 'insufficient_data'"""


# The regression and multiclass metrics: a figure of each model's evaluations, against its frozen reference
# (data/queries/task_reference.py) for the ratio and the drop. A model of another task, or without a
# reference yet, has no value: no data, never 0.
TASK_VALUES = {
    "mae": "e.mae",
    "rmse_ratio_to_reference": "e.rmse / nullif(r.rmse, 0)",
    "macro_f1_drop": "r.macro_f1 - e.f1",
}
_TASK_ROWS = """SELECT e.ts, e.window_seconds, e.model, e.labelled, {value} AS value FROM model_evaluations e
    LEFT JOIN model_task_reference r ON r.model = e.model
    WHERE e.status = 'ok' AND {value} IS NOT NULL AND e.ts >= ? AND e.ts <= ?"""


def _task_metric(store: Store, metric: str, now: datetime, max_age_seconds: float) -> list[Observation]:
    """Each model's value from the shortest window of its newest evaluation: one observation per model."""
    rows = store.fetch_all(
        f"alerts.{metric}",
        f"SELECT value, labelled, model FROM ({_TASK_ROWS.format(value=TASK_VALUES[metric])}) "
        "QUALIFY row_number() OVER (PARTITION BY model ORDER BY ts DESC, window_seconds) = 1 ORDER BY model",
        [now - timedelta(seconds=max_age_seconds), now],
    )
    return [Observation(float(r[0]), int(r[1] or 0), subject_text(model=r[2])) for r in rows]


def _process(store: Store, now: datetime, stale_seconds: float) -> list[Observation]:
    """Each watched process's newest fresh sample, up 1 or down 0: one observation per process."""
    rows = store.fetch_all(
        "alerts.process",
        """
        SELECT up::INTEGER, name FROM process_samples WHERE ts >= ? AND ts <= ?
        QUALIFY row_number() OVER (PARTITION BY name ORDER BY ts DESC) = 1
        ORDER BY name
        """,
        [now - timedelta(seconds=stale_seconds), now],
    )
    return [Observation(float(r[0]), 1, subject_text(process=r[1])) for r in rows]


def current_values(
    store: Store,
    now: datetime,
    stale_seconds: float,
    windows: Iterable[float],
    max_age_seconds: float = 3600.0,
    recent: alert_buckets.RecentBuckets | None = None,
) -> dict[tuple[str, float], list[Observation]]:
    """(metric, window seconds; 0 for unwindowed metrics) -> its observations at `now`: one
    observation (subject None) for host and prediction metrics, one per subject for the others.
    `recent`: the caller's 10 s buckets, refreshed to `now`, covering the longest window."""
    tables = existing_tables(store)
    out: dict[tuple[str, float], list[Observation]] = {}
    if "system_samples" in tables:
        out.update({(m, 0.0): o for m, o in _host(store, now, stale_seconds).items()})
    if "predictions" in tables:
        for window in sorted(set(windows)):
            out.update({(m, window): o for m, o in _predictions(store, now, window, recent).items()})
    if "model_evaluations" in tables:
        out["accuracy_drop_points", 0.0] = _accuracy(store, now, max_age_seconds)
        out["estimator_error", 0.0] = _estimator(store, now, max_age_seconds)
    if "feature_drift" in tables:
        out["drift_psi_max", 0.0] = _drift(store, now, max_age_seconds)
    if "multivariate_drift" in tables:
        out["multivariate_drift", 0.0] = _multivariate(store, now, max_age_seconds)
    if "process_samples" in tables:
        out["process_up", 0.0] = _process(store, now, stale_seconds)
    if {"model_evaluations", "model_task_reference"} <= tables:
        for metric in TASK_VALUES:
            out[metric, 0.0] = _task_metric(store, metric, now, max_age_seconds)
    return out


_SERIES = {
    "host": "SELECT ts, {column} AS value, 1 AS samples FROM system_samples WHERE ts >= ? AND ts <= ? ORDER BY ts",
    "accuracy_drop_points": """SELECT ts, max(100 * accuracy_drop) AS value, min(labelled) AS samples,
            arg_max_null(100 * accuracy_drop_se, accuracy_drop) AS error
        FROM model_evaluations WHERE status = 'ok' AND ts >= ? AND ts <= ? GROUP BY ts ORDER BY ts""",
    "drift_psi_max": """SELECT ts, max(psi) AS value, min(current_count) AS samples FROM (
            SELECT ts, psi, current_count FROM feature_drift WHERE ts >= ? AND ts <= ? AND psi IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY ts, model, feature ORDER BY window_seconds) = 1)
        GROUP BY ts ORDER BY ts""",
    "multivariate_drift": f"""SELECT ts, max(value) AS value, min(n) AS samples FROM (
            SELECT * FROM ({_MULTIVARIATE}) WHERE ts >= ? AND ts <= ?
            QUALIFY row_number() OVER (PARTITION BY ts, model ORDER BY window_seconds) = 1)
        GROUP BY ts ORDER BY ts""",
    "estimator_error": f"""SELECT ts, max(value) AS value, min(labelled) AS samples FROM (
            SELECT * FROM ({_ESTIMATOR}) WHERE ts >= ? AND ts <= ?
            QUALIFY row_number() OVER (PARTITION BY ts, model ORDER BY window_seconds) = 1)
        GROUP BY ts ORDER BY ts""",
    "process_up": """SELECT ts, min(up::INTEGER)::DOUBLE AS value, count(*) AS samples FROM process_samples
        WHERE ts >= ? AND ts <= ? GROUP BY ts ORDER BY ts""",
    **{
        metric: f"""SELECT ts, max(value) AS value, min(labelled) AS samples FROM ({_TASK_ROWS.format(value=value)}
            QUALIFY row_number() OVER (PARTITION BY e.ts, e.model ORDER BY e.window_seconds) = 1) GROUP BY ts ORDER BY ts"""
        for metric, value in TASK_VALUES.items()
    },
}


def _windowed_series(store: Store, metric: str, since: datetime, until: datetime, window: float) -> pd.DataFrame:
    """The windowed prediction metric every BUCKET_SECONDS: sums over the trailing window of 10 s buckets
    (stored ones where the alerting pass keeps them, raw rows elsewhere)."""
    value = (
        "sum(s) OVER w / nullif(sum(n_lat) OVER w, 0)"
        if metric == "latency_seconds_avg"
        else "100.0 * sum(n_err) OVER w / nullif(sum(n) OVER w, 0)"
    )
    samples = "sum(n_ok) OVER w" if metric == "latency_seconds_avg" else "sum(n) OVER w"
    r = alert_buckets.ranges(since - timedelta(seconds=window), until, alert_buckets.stored_until(store))
    return store.fetch_df(
        f"alerts.series.{metric}",
        f"""
        WITH b AS ({alert_buckets.SERIES_BUCKETS})
        SELECT ts, {value} AS value, {samples} AS samples FROM b
        WINDOW w AS (ORDER BY ts RANGE BETWEEN to_seconds(?) PRECEDING AND CURRENT ROW)
        QUALIFY ts >= ? ORDER BY ts
        """,
        [*alert_buckets.series_params(r), window - BUCKET_SECONDS, since],
    )


def metric_series(store: Store, metric: str, since: datetime, until: datetime, window_seconds: float = 300.0) -> pd.DataFrame:
    """Columns ts, value, samples between since and until, oldest first (empty if no table yet), and error
    (each value's standard error) for a metric that has one."""
    import pandas as pd

    if SOURCES[metric] not in existing_tables(store):
        return pd.DataFrame({"ts": pd.Series(dtype="datetime64[us]"), "value": [], "samples": []})
    if metric in ("latency_seconds_avg", "error_percent"):
        return _windowed_series(store, metric, since, until, window_seconds)
    sql = _SERIES["host"].format(column=metric) if metric in HOST else _SERIES[metric]
    return store.fetch_df(f"alerts.series.{metric}", sql, [since, until])


def latest_values(observations: dict[tuple[str, float], list[Observation]]) -> dict[str, list[SubjectValue]]:
    """Unwindowed metric -> each subject's value, for the /metrics gauges."""
    return {
        m: [SubjectValue(o.subject, o.value, o.error) for o in obs if o.value is not None]
        for (m, w), obs in observations.items()
        if w == 0.0
    }
