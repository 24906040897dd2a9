"""Drift of every feature and of the score against a model's reference sample, in DuckDB.

PSI uses the reference's quantile edges (10 bins, as analytics.drift); KS is computed on 4,096
equal-width bins over the reference's range, plus one bin each for values outside it. A binned KS
never exceeds the exact statistic, and falls short of it by at most `ks_error_bound`: the largest
share of either sample inside one in-range bin holding more than one distinct value (a bin with a
single value, as for integer or two-valued features, is exact). A reference never changes once
stored, so its edges and bin counts are computed once (`build_reference_bins`) and each pass bins
only the current window's rows. Measured in bench/drift_bench.py.

The evaluation job measures drift from the per-minute profiles instead (exact KS,
data/queries/profiles.py); this raw-row path stays as the benchmarks' baseline.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from data.queries import profile_tiers
from data.store import Store
from settings import Settings

SCORE, LABEL, PREDICTED = "__score__", "__label__", "__predicted__"
KS_BINS = 4096
PSI_QUANTILES = [i / 10 for i in range(1, 10)]

_KB = (
    f"CASE WHEN x.value < s.lo THEN -1 WHEN x.value > s.hi THEN {KS_BINS} WHEN s.hi = s.lo THEN 0 "
    f"ELSE least({KS_BINS - 1}, floor((x.value - s.lo) / (s.hi - s.lo) * {KS_BINS}))::INTEGER END"
)
_PB = " + ".join(f"(x.value > s.e[{i}])::INTEGER" for i in range(1, len(PSI_QUANTILES) + 1))
_SHARE = "CASE WHEN {n} > 0 THEN {n} / {total} ELSE ? END"
REFERENCE_VALUES = (
    "SELECT feature, value FROM model_reference "
    f"WHERE model = ? AND value IS NOT NULL AND feature NOT IN ('{LABEL}', '{PREDICTED}')"
)

STATS_SQL = f"""
INSERT INTO model_reference_stats
SELECT ?, feature, min(value), max(value), quantile_cont(value, {PSI_QUANTILES}), count(*)
FROM ({REFERENCE_VALUES}) GROUP BY feature
"""
BINS_SQL = f"""
INSERT INTO model_reference_bins
SELECT ?, x.feature, {_KB}, {_PB}, count(*), min(x.value), max(x.value)
FROM ({REFERENCE_VALUES}) x JOIN model_reference_stats s ON s.model = ? AND s.feature = x.feature
GROUP BY ALL
"""

# Parameters: the caller's current SELECT's, then model (x2), then the PSI epsilon (x4).
DRIFT_SQL = f"""
WITH c AS ({{current}}),
s AS (SELECT feature, lo, hi, e, nr FROM model_reference_stats WHERE model = ?),
cg AS (SELECT x.feature, {_KB} AS kb, {_PB} AS pb, count(*) AS cn, min(x.value) AS vmin, max(x.value) AS vmax
       FROM c x JOIN s USING (feature) GROUP BY ALL),
g AS (SELECT feature, kb, pb, coalesce(r.rn, 0) AS rn, coalesce(cg.cn, 0) AS cn,
             least(r.vmin, cg.vmin) AS vmin, greatest(r.vmax, cg.vmax) AS vmax
      FROM (SELECT feature, kb, pb, rn, vmin, vmax FROM model_reference_bins WHERE model = ?) r
      FULL OUTER JOIN cg USING (feature, kb, pb)),
n AS (SELECT s.feature, any_value(s.nr) AS nr, coalesce(sum(g.cn), 0) AS nc
      FROM s LEFT JOIN g USING (feature) GROUP BY s.feature),
p AS (SELECT feature, sum(rn) AS rn, sum(cn) AS cn FROM g GROUP BY feature, pb),
psi AS (SELECT p.feature,
               sum(({_SHARE.format(n="p.cn", total="n.nc")} - {_SHARE.format(n="p.rn", total="n.nr")})
                   * ln({_SHARE.format(n="p.cn", total="n.nc")} / {_SHARE.format(n="p.rn", total="n.nr")})) AS psi
        FROM p JOIN n USING (feature) WHERE n.nc > 0 GROUP BY p.feature),
-- Outside the reference's range one CDF is flat (0 or 1), so the largest gap there is at a bin edge: exact.
k AS (SELECT feature, kb, sum(rn) AS rn, sum(cn) AS cn,
             min(vmin) < max(vmax) AND kb >= 0 AND kb < {KS_BINS} AS mixed
      FROM g GROUP BY feature, kb),
kc AS (SELECT k.feature, k.rn / n.nr AS rs, k.cn / n.nc AS cs, k.mixed,
              sum(k.rn) OVER w / n.nr - sum(k.cn) OVER w / n.nc AS d
       FROM k JOIN n USING (feature) WHERE n.nc > 0
       WINDOW w AS (PARTITION BY k.feature ORDER BY k.kb ROWS UNBOUNDED PRECEDING)),
ks AS (SELECT feature, max(abs(d)) AS ks_statistic,
              coalesce(max(greatest(rs, cs)) FILTER (mixed), 0) AS ks_error_bound
       FROM kc GROUP BY feature)
SELECT n.feature, psi.psi, ks.ks_statistic, ks.ks_error_bound, n.nr AS reference_count, n.nc AS current_count
FROM n LEFT JOIN psi USING (feature) LEFT JOIN ks USING (feature) ORDER BY n.feature
"""

CURRENT_SQL = f"""
SELECT feature, value FROM prediction_features WHERE model = ? AND ts > ? AND ts <= ? AND value IS NOT NULL
UNION ALL
SELECT '{SCORE}', score FROM predictions WHERE model = ? AND ts > ? AND ts <= ? AND status = 'ok' AND score IS NOT NULL
"""


def build_reference_bins(store: Store, model: str) -> None:
    """(Re)compute a model's reference edges and bin counts from its rows in model_reference."""
    with store.transaction("reference") as cur:
        cur.execute("DELETE FROM model_reference_stats WHERE model = ?", [model])
        cur.execute("DELETE FROM model_reference_bins WHERE model = ?", [model])
        cur.execute(STATS_SQL, [model, model])
        cur.execute(BINS_SQL, [model, model, model])


def feature_drift(store: Store, model: str, since: datetime, until: datetime, epsilon: float) -> list[dict[str, Any]]:
    """Per feature (and '__score__'): psi, ks_statistic, ks_error_bound, reference_count, current_count.
    Features without reference rows are left out; those without current rows have current_count 0."""
    return store.fetch_dicts(
        "drift.features",
        DRIFT_SQL.format(current=CURRENT_SQL),
        [model, since, until, model, since, until, model, model, *[epsilon] * 4],
    )


def table_drift(store: Store, model: str, current_table: str, epsilon: float) -> list[tuple[Any, ...]]:
    """The same computation with the current rows read from a (feature, value) table: benchmarks and
    tests use it on synthetic data. The table name is the caller's constant, never user input."""
    sql = DRIFT_SQL.format(current=f"SELECT feature, value FROM {current_table} WHERE value IS NOT NULL")
    return store.fetch_all("drift.table", sql, [model, model, *[epsilon] * 4])


def drift_windows(settings: Settings) -> dict[str, int]:
    """The windows drift is computed over: "recent" (the last evaluation interval: the second pass after a
    drift starts sees only drifted rows, so it stands out within two passes) and each evaluation window."""
    return {"recent": max(1, round(settings.eval_interval)), **settings.eval_window_seconds}


# A window's smallest and largest finite value per feature (the Wasserstein bound's outer extents).
RANGE_SQL = "SELECT feature, min(vmin) AS lo, max(vmax) AS hi FROM {source} GROUP BY feature"
RAW_RANGE_SQL = f"""
SELECT feature, min(value) AS lo, max(value) AS hi FROM (
  SELECT feature, value FROM prediction_features WHERE model = ? AND ts > ? AND ts <= ? AND isfinite(value)
  UNION ALL
  SELECT '{SCORE}', score FROM predictions WHERE model = ? AND ts > ? AND ts <= ? AND status = 'ok' AND isfinite(score)
) GROUP BY feature
"""
Range = tuple[float | None, float | None]


def window_ranges(store: Store, model: str, first: datetime, last: datetime) -> dict[str, Range]:
    """Per feature: the smallest and largest value of the profile minutes [first, last]."""
    sql, params, _ = profile_tiers.window_source(store, "feature_profile_stats", model, first, last)
    rows = store.fetch_all("drift.window_ranges", RANGE_SQL.format(source=sql), params)
    return {r[0]: (r[1], r[2]) for r in rows}


def raw_ranges(store: Store, model: str, since: datetime, until: datetime) -> dict[str, Range]:
    """The same from the raw rows in (since, until] (windows shorter than a profile minute)."""
    rows = store.fetch_all("drift.raw_ranges", RAW_RANGE_SQL, [model, since, until] * 2)
    return {r[0]: (r[1], r[2]) for r in rows}


def merge_ranges(parts: list[dict[str, Range]]) -> dict[str, Range]:
    merged: dict[str, Range] = {}
    for part in parts:
        for feature, (lo, hi) in part.items():
            old_lo, old_hi = merged.get(feature, (None, None))
            merged[feature] = (_pick(min, old_lo, lo), _pick(max, old_hi, hi))
    return merged


def _pick(how: Any, a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else how(a, b)
