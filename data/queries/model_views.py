"""Reads of the evaluation job's tables for the API and the Model and Drift pages. Those tables gain a
pass every --eval-interval and keep it, so the latest rows are found without scanning the history and
long ranges come back in a bounded number of time buckets (about one per pixel across the chart)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from data.queries import profile_tiers, rollup_reads
from data.queries.drift import LABEL, PREDICTED
from data.queries.profile_reads import window_minutes
from data.store import Store

if TYPE_CHECKING:
    import pandas as pd


# The newest rows of a key (a model and window, or a model and method): the tables grow by a pass every
# --eval-interval and are never pruned, so the correlated max(ts) per row this replaced grew with the history
# (/api/drift 85-91 ms over 30 days of 5 min passes, 0.84-0.93 s of 30 s passes: bench/model_api.py). Both
# forms below give the same rows as it did (tests/unit/data/test_model_views.py).
def _newest(table: str, where: str) -> str:
    """The newest ts of the rows matching `where`, which fixes every key column. ORDER BY ts DESC LIMIT 1
    rather than max(ts): DuckDB then reads the newest row groups first and skips every other one whose ts
    range cannot beat it, so for a key still evaluated this costs about one row group however long the history."""
    return f"(SELECT ts FROM {table} WHERE {where} ORDER BY ts DESC LIMIT 1)"


def _newest_per(table: str, key: str, where: str) -> str:
    """A row is its key's newest among the rows matching `where`: one grouped scan of key and ts only, and
    DuckDB pushes the ts found into the outer scan, which then reads only the row groups holding them."""
    return f"({key}, ts) IN (SELECT {key}, max(ts) FROM {table} WHERE {where} GROUP BY {key})"


def evaluated_models(store: Store) -> list[str]:
    return [r[0] for r in store.fetch_all("model_views.models", "SELECT DISTINCT model FROM model_evaluations ORDER BY 1")]


def latest_evaluations(store: Store, model: str | None, window_seconds: int) -> list[dict[str, Any]]:
    """Each model's newest evaluation over the window (one model's when `model` is given)."""
    if model is not None:
        newest = f"model = ? AND ts = {_newest('model_evaluations', 'window_seconds = ? AND model = ?')}"
        params: list[Any] = [window_seconds, model, window_seconds, model]
    else:
        newest, params = _newest_per("model_evaluations", "model", "window_seconds = ?"), [window_seconds, window_seconds]
    return store.fetch_dicts(
        "model_views.latest_evaluations",
        f"SELECT * FROM model_evaluations WHERE window_seconds = ? AND {newest} ORDER BY model",
        params,
    )


def latest_curves(store: Store, model: str | None, window_seconds: int) -> pd.DataFrame:
    """model, curve ('roc' | 'pr' | 'calibration'), point, x, y, threshold, n of each model's newest curves."""
    return store.fetch_df(
        "model_views.latest_curves",
        "SELECT model, curve, point, x, y, threshold, n FROM model_curves WHERE window_seconds = ? AND "
        f"{_newest_per('model_curves', 'model', 'window_seconds = ? AND (? IS NULL OR model = ?)')} "
        "ORDER BY model, curve, point",
        [window_seconds, window_seconds, model, model],
    )


_DETAIL = (
    "coalesce(d.kind, 'numeric') AS kind, d.chi2_pvalue, d.js_distance, d.missing_share, "
    "d.reference_missing_share, d.missing_verdict"
)


def latest_drift(store: Store, model: str, window_seconds: int) -> list[dict[str, Any]]:
    newest = _newest("feature_drift", "window_seconds = ? AND model = ?")
    return store.fetch_dicts(
        "model_views.latest_drift",
        # with what feature_drift_detail adds (kind, chi-squared, Jensen-Shannon, missing shares); the
        # detail rows are narrowed to that ts first, else DuckDB hashes the whole table for the join
        f"SELECT x.*, {_DETAIL} FROM feature_drift x LEFT JOIN (SELECT * FROM feature_drift_detail "
        f"WHERE window_seconds = ? AND model = ? AND ts = {newest}) d USING (ts, model, window_seconds, feature) "
        f"WHERE window_seconds = ? AND model = ? AND ts = {newest} ORDER BY feature",
        [window_seconds, model] * 4,
    )


def latest_importance(store: Store, model: str) -> pd.DataFrame:
    """feature, method, importance of the newest importance of each method."""
    return store.fetch_df(
        "model_views.latest_importance",
        "SELECT feature, method, importance FROM feature_importance WHERE model = ? AND "
        f"{_newest_per('feature_importance', 'method', 'model = ?')} ORDER BY method, feature",
        [model, model],
    )


def quality_series(store: Store, model: str | None, window_seconds: int, since: datetime, until: datetime) -> pd.DataFrame:
    if resolution := rollup_reads.resolution_for(since, until):  # long ranges: per-bucket means, not every stored row
        return rollup_reads.quality_series(store, model, window_seconds, since, until, resolution)
    return store.fetch_df(
        "model_views.quality_series",
        'SELECT ts, model, auc, "precision", recall, accuracy, estimated_accuracy, labelled_share, status, '
        "auc_se, accuracy_lo, accuracy_hi, mae, mae_se, rmse "
        "FROM model_evaluations WHERE window_seconds = ? AND (? IS NULL OR model = ?) AND ts >= ? AND ts <= ? "
        "ORDER BY model, ts",
        [window_seconds, model, model, since, until],
    )


# Time buckets (about) of the drift heatmap (7/12 of the page wide), the score's drift and the importance
# over time (half the page) over long ranges: about the pixels across their plots.
NARROW_POINTS = 600


def _step(since: datetime, until: datetime) -> int | None:
    """Seconds per chart point for a range the rollups serve elsewhere (raw rows would be one per pass per
    series: 20,160 a week at a 30 s --eval-interval), else None: each pass as stored."""
    resolution = rollup_reads.resolution_for(since, until)
    return rollup_reads.step_seconds(since, until, resolution, NARROW_POINTS) if resolution else None


def importance_series(store: Store, model: str, since: datetime, until: datetime) -> pd.DataFrame:
    """ts, feature, method, importance; long ranges: the mean of each time bucket."""
    if step := _step(since, until):
        return store.fetch_df(
            "model_views.importance_series_buckets",
            "SELECT time_bucket(to_seconds(?), ts) AS ts, feature, method, avg(importance) AS importance "
            "FROM feature_importance WHERE model = ? AND ts >= ? AND ts <= ? GROUP BY ALL ORDER BY method, feature, ts",
            [step, model, since, until],
        )
    return store.fetch_df(
        "model_views.importance_series",
        "SELECT ts, feature, method, importance FROM feature_importance WHERE model = ? AND ts >= ? AND ts <= ? "
        "ORDER BY method, feature, ts",
        [model, since, until],
    )


def drift_series(store: Store, model: str, window_seconds: int, since: datetime, until: datetime) -> pd.DataFrame:
    """ts, feature, psi, ks_statistic, verdict over time (the PSI heatmap and the score drift chart). Long
    ranges: the largest PSI and KS statistic of each time bucket and the verdict beside that PSI, so a drift
    seen by one pass stays visible; a bucket whose passes all had too few rows stays empty (a gap)."""
    if step := _step(since, until):
        return store.fetch_df(
            "model_views.drift_series_buckets",
            "SELECT time_bucket(to_seconds(?), ts) AS ts, feature, max(psi) AS psi, max(ks_statistic) AS ks_statistic, "
            "coalesce(arg_max(verdict, psi), any_value(verdict)) AS verdict FROM feature_drift "
            "WHERE model = ? AND window_seconds = ? AND ts >= ? AND ts <= ? GROUP BY ALL ORDER BY feature, ts",
            [step, model, window_seconds, since, until],
        )
    return store.fetch_df(
        "model_views.drift_series",
        "SELECT ts, feature, psi, ks_statistic, verdict FROM feature_drift "
        "WHERE model = ? AND window_seconds = ? AND ts >= ? AND ts <= ? ORDER BY feature, ts",
        [model, window_seconds, since, until],
    )


_DISPLAY_BINS = f"""
r AS (SELECT value FROM model_reference WHERE model = ? AND feature = ? AND feature NOT IN ('{LABEL}', '{PREDICTED}')),
s AS (SELECT quantile_cont(value, 0.005) AS lo, quantile_cont(value, 0.995) AS hi FROM r),
w AS (SELECT lo, greatest(hi - lo, 1e-9) / ? AS width FROM s)
"""
_SHARES = """
b AS (SELECT least(? - 1, greatest(0, floor((v.value - w.lo) / w.width)))::INTEGER AS bin, v.n, v.is_ref
      FROM (SELECT value, 1 AS n, true AS is_ref FROM r UNION ALL SELECT value, n, false FROM c) v, w
      WHERE v.value IS NOT NULL)
SELECT any_value(w.lo) + bin * any_value(w.width) AS bin_start,
       any_value(w.lo) + (bin + 1) * any_value(w.width) AS bin_end,
       sum(n) FILTER (is_ref) / greatest(1, (SELECT count(*) FROM r)) AS reference_share,
       coalesce(sum(n) FILTER (NOT is_ref), 0) / greatest(1, (SELECT sum(n) FROM c)) AS current_share
FROM b, w GROUP BY bin ORDER BY bin
"""
# A profile bin as one value: bin 0 (below the smallest reference value) and the bin above the largest fall in
# the end display bins anyway; 2i+1 holds values equal to edge i (exact); 2i+2 values between edges i and i+1
# (every distinct reference value is an edge, so a narrow gap), drawn at its middle.
_PROFILE_VALUES = """
e AS (SELECT i, edge, lead(edge) OVER (ORDER BY i) AS next_edge FROM model_reference_edges
      WHERE model = ? AND feature = ?),
p AS (SELECT bin, sum(n) AS n FROM {source} GROUP BY bin),
c AS (SELECT CASE WHEN p.bin = 0 THEN (SELECT min(edge) FROM e) - 1
                  WHEN p.bin % 2 = 1 THEN e.edge
                  ELSE coalesce((e.edge + e.next_edge) / 2, e.edge + abs(e.edge) + 1) END AS value, p.n
      FROM p LEFT JOIN e ON e.i = (p.bin - 1) // 2)
"""


def distribution(store: Store, model: str, feature: str, since: datetime, until: datetime, bins: int = 30) -> pd.DataFrame:
    """Shares of reference and current values in `bins` equal-width bins over the reference's 0.5-99.5 %
    range (values beyond it fall in the end bins): bin_start, bin_end, reference_share, current_share.
    The current values come from the per-minute profiles of the whole minutes the window touches (cost
    follows minutes, not traffic; up to one evaluation pass behind); `distribution_raw` is the oracle."""
    first, last = window_minutes(until, max(60, int((until - since).total_seconds())))
    source, params, _ = profile_tiers.window_source(store, "feature_profile", model, first, last, feature)
    return store.fetch_df(
        "model_views.distribution",
        f"WITH {_DISPLAY_BINS}, {_PROFILE_VALUES.format(source=source)}, {_SHARES}",
        [model, feature, bins, model, feature, *params, bins],
    )


def distribution_raw(store: Store, model: str, feature: str, since: datetime, until: datetime, bins: int = 30) -> pd.DataFrame:
    """The same from the raw rows in (since, until]: the profiles' oracle in tests and benchmarks."""
    current = (
        "SELECT score AS value, 1 AS n FROM predictions WHERE model = ? AND status = 'ok' AND ts > ? "
        "AND ts <= ? AND score IS NOT NULL AND ? = '__score__' UNION ALL SELECT value, 1 FROM "
        "prediction_features WHERE model = ? AND feature = ? AND ts > ? AND ts <= ? AND NOT isnan(value)"
    )
    return store.fetch_df(
        "model_views.distribution_raw",
        f"WITH {_DISPLAY_BINS}, c AS ({current}), {_SHARES}",
        [model, feature, bins, model, since, until, feature, model, feature, since, until, bins],
    )
