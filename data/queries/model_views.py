"""Reads of the evaluation job's tables for the API and the Model and Drift pages: small tables,
so every read here takes milliseconds."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from data.queries import rollup_reads
from data.queries.drift import LABEL, PREDICTED
from data.queries.profile_reads import window_minutes
from data.store import Store

_LATEST = "ts = (SELECT max(ts) FROM {table} t WHERE t.model = x.model AND t.window_seconds = x.window_seconds)"


def evaluated_models(store: Store) -> list[str]:
    return [r[0] for r in store.fetch_all("model_views.models", "SELECT DISTINCT model FROM model_evaluations ORDER BY 1")]


def latest_evaluations(store: Store, model: str | None, window_seconds: int) -> list[dict[str, Any]]:
    return store.fetch_dicts(
        "model_views.latest_evaluations",
        f"SELECT * FROM model_evaluations x WHERE window_seconds = ? AND (? IS NULL OR model = ?) "
        f"AND {_LATEST.format(table='model_evaluations')} ORDER BY model",
        [window_seconds, model, model])


def latest_curves(store: Store, model: str | None, window_seconds: int) -> pd.DataFrame:
    """model, curve ('roc' | 'pr' | 'calibration'), point, x, y, threshold, n of each model's newest curves."""
    return store.fetch_df(
        "model_views.latest_curves",
        f"SELECT model, curve, point, x, y, threshold, n FROM model_curves x WHERE window_seconds = ? "
        f"AND (? IS NULL OR model = ?) AND {_LATEST.format(table='model_curves')} ORDER BY model, curve, point",
        [window_seconds, model, model])


_DETAIL = ("coalesce(d.kind, 'numeric') AS kind, d.chi2_pvalue, d.js_distance, d.missing_share, "
           "d.reference_missing_share, d.missing_verdict")


def latest_drift(store: Store, model: str, window_seconds: int) -> list[dict[str, Any]]:
    return store.fetch_dicts(
        "model_views.latest_drift",
        # with what feature_drift_detail adds (kind, chi-squared, Jensen-Shannon, missing shares: issue 20)
        f"SELECT x.*, {_DETAIL} FROM feature_drift x LEFT JOIN feature_drift_detail d "
        f"USING (ts, model, window_seconds, feature) WHERE window_seconds = ? AND model = ? "
        f"AND {_LATEST.format(table='feature_drift')} ORDER BY feature",
        [window_seconds, model])


def latest_importance(store: Store, model: str) -> pd.DataFrame:
    """feature, method, importance of the newest importance of each method."""
    return store.fetch_df(
        "model_views.latest_importance",
        "SELECT feature, method, importance FROM feature_importance x WHERE model = ? AND ts = "
        "(SELECT max(ts) FROM feature_importance t WHERE t.model = x.model AND t.method = x.method) ORDER BY method, feature",
        [model])


def quality_series(store: Store, model: str | None, window_seconds: int, since: datetime, until: datetime) -> pd.DataFrame:
    if resolution := rollup_reads.resolution_for(since, until):  # long ranges: per-bucket means (issue 7)
        return rollup_reads.quality_series(store, model, window_seconds, since, until, resolution)
    return store.fetch_df(
        "model_views.quality_series",
        "SELECT ts, model, auc, \"precision\", recall, accuracy, estimated_accuracy, labelled_share, status "
        "FROM model_evaluations WHERE window_seconds = ? AND (? IS NULL OR model = ?) AND ts >= ? AND ts <= ? "
        "ORDER BY model, ts",
        [window_seconds, model, model, since, until])


def importance_series(store: Store, model: str, since: datetime, until: datetime) -> pd.DataFrame:
    return store.fetch_df(
        "model_views.importance_series",
        "SELECT ts, feature, method, importance FROM feature_importance WHERE model = ? AND ts >= ? AND ts <= ? "
        "ORDER BY method, feature, ts", [model, since, until])


def drift_series(store: Store, model: str, window_seconds: int, since: datetime, until: datetime) -> pd.DataFrame:
    """ts, feature, psi, ks_statistic, verdict over time (the PSI heatmap and the score drift chart)."""
    return store.fetch_df(
        "model_views.drift_series",
        "SELECT ts, feature, psi, ks_statistic, verdict FROM feature_drift "
        "WHERE model = ? AND window_seconds = ? AND ts >= ? AND ts <= ? ORDER BY feature, ts",
        [model, window_seconds, since, until])


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
p AS (SELECT bin, sum(n) AS n FROM feature_profile WHERE model = ? AND feature = ? AND ts >= ? AND ts <= ?
      GROUP BY bin),
c AS (SELECT CASE WHEN p.bin = 0 THEN (SELECT min(edge) FROM e) - 1
                  WHEN p.bin % 2 = 1 THEN e.edge
                  ELSE coalesce((e.edge + e.next_edge) / 2, e.edge + abs(e.edge) + 1) END AS value, p.n
      FROM p LEFT JOIN e ON e.i = (p.bin - 1) // 2)
"""


def distribution(store: Store, model: str, feature: str, since: datetime, until: datetime,
                 bins: int = 30) -> pd.DataFrame:
    """Shares of reference and current values in `bins` equal-width bins over the reference's 0.5-99.5 %
    range (values beyond it fall in the end bins): bin_start, bin_end, reference_share, current_share.
    The current values come from the per-minute profiles of the whole minutes the window touches (cost
    follows minutes, not traffic; up to one evaluation pass behind); `distribution_raw` is the oracle."""
    first, last = window_minutes(until, max(60, int((until - since).total_seconds())))
    return store.fetch_df("model_views.distribution", f"WITH {_DISPLAY_BINS}, {_PROFILE_VALUES}, {_SHARES}",
                          [model, feature, bins, model, feature, model, feature, first, last, bins])


def distribution_raw(store: Store, model: str, feature: str, since: datetime, until: datetime,
                     bins: int = 30) -> pd.DataFrame:
    """The same from the raw rows in (since, until]: the profiles' oracle in tests and benchmarks."""
    current = ("SELECT score AS value, 1 AS n FROM predictions WHERE model = ? AND status = 'ok' AND ts > ? "
               "AND ts <= ? AND score IS NOT NULL AND ? = '__score__' UNION ALL SELECT value, 1 FROM "
               "prediction_features WHERE model = ? AND feature = ? AND ts > ? AND ts <= ? AND NOT isnan(value)")
    return store.fetch_df("model_views.distribution_raw", f"WITH {_DISPLAY_BINS}, c AS ({current}), {_SHARES}",
                          [model, feature, bins, model, since, until, feature, model, feature, since, until, bins])
