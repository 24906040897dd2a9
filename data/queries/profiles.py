"""Upkeep of the per-model, per-minute profiles (migration 0007), from which the evaluation job
answers every window by merging minutes instead of re-reading raw rows.

Bins. A feature's edges are every distinct value of the model's reference sample plus the 9 PSI
decile edges (a reference holds at most a few thousand rows: 5,000 built-in, 2,000 ingested). Bin 0
holds values below the first edge, bin 2i+1 values equal to edge i, bin 2i+2 values strictly between
edges i and i+1 (or above the last). No reference value lies strictly inside a bin, so between two
edges the reference CDF is flat and the largest CDF gap is at a bin's end: KS from these bins equals
the exact two-sample statistic, and the PSI deciles are unions of bins. Scores are also counted in
fine bins (below) by outcome and predicted label, with the sums for Brier score and calibration.
Categorical features get bucket counts in category_profile, rebuilt with the same minutes
(data/queries/category_profiles.py); numeric profiles are unchanged and count nulls in `nulls`. The
sums of multivariate drift (n, sum z, sum z z^T of complete rows) too (data/queries/multivariate.py).

Freshness. Each evaluation pass first rebuilds the minutes that changed since the last pass: those
holding a prediction, or the prediction of an outcome, received after the stored watermark (the
newest `received_at` seen then) less `SETTLE` (for rows stamped before it but committed after it: the
writer's queue holds rows a fraction of a second). A late label thus moves its prediction from "not yet
labelled" to its class in its own minute, however old, and re-profiles only that minute's scores. This
costs in proportion to what arrived, where rebuilding the last 2 x label-delay every pass re-reads 20
minutes of rows every pass (bench/evaluation_pass.py measures both); the writer's flush was not used
because a minute's bins need the model's reference, and the flush is on the ingest path. The rebuild,
the reads that find it and the new watermark commit in one transaction, so a crash leaves the old
profiles and watermark, and the next pass (after a restart too) redoes what arrived since.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from time import perf_counter
from typing import Any

import duckdb

from data.profile_bins import bin_keyed, split_edges
from data.queries import category_profiles, multiclass, multivariate, profile_tiers, regression_profiles, window_generations
from data.queries.drift import LABEL, PREDICTED, PSI_QUANTILES, SCORE
from data.store import Store

# Score bins: 10,000 equal-width bins of [0, 1] (bin = floor(score * 10,000)), except within 1e-4 of 0
# or 1, where confident models pile their scores: there a bin spans a factor 10^(1/100) (2.3 %) of the
# score (or of 1 - score) down to 1e-20, ids below 0 and from 9,999 up. Ids ascend with the score, and
# the 10 calibration groups are unions of bins.
SCORE_BINS, TAIL, TAIL_STEPS = 10_000, 1e-4, 100
LOW_BIN, HIGH_BIN = -1 - 16 * TAIL_STEPS, SCORE_BINS + 16 * TAIL_STEPS
SETTLE = timedelta(seconds=30)
STATE = "profiles"
PROFILE_TABLES = ("feature_profile", "feature_profile_stats", "score_profile", "category_profile", "multivariate_profile")
_MINUTE = "time_bucket(INTERVAL 1 MINUTE, {ts})"

EDGES_SQL = f"""
INSERT INTO model_reference_edges
WITH r AS (SELECT feature, value FROM model_reference WHERE model = ? AND value IS NOT NULL AND NOT isnan(value)
           AND feature NOT IN ('{LABEL}', '{PREDICTED}')),
q AS (SELECT feature, quantile_cont(value, {PSI_QUANTILES}) AS e FROM r GROUP BY feature),
c AS (SELECT feature, value AS edge, count(*) AS rn FROM r GROUP BY ALL),
u AS (SELECT feature, edge FROM c UNION SELECT feature, unnest(e) FROM q)
SELECT ?, u.feature, (row_number() OVER (PARTITION BY u.feature ORDER BY u.edge) - 1)::INTEGER, u.edge,
       coalesce(c.rn, 0), len(list_filter(q.e, lambda x: x < u.edge)), len(list_filter(q.e, lambda x: x <= u.edge))
FROM u JOIN q USING (feature) LEFT JOIN c USING (feature, edge)
"""

# The rows of a set of (model, minute) pairs as (model, m, feature, value); the score is a feature.
# Parameters: models[], minutes[], since, until (the minutes' range, for DuckDB's zone maps), twice.
_DIRTY = "d AS (SELECT unnest(?::VARCHAR[]) AS model, unnest(?::TIMESTAMP[]) AS m)"
_ROWS = f"""
SELECT f.model, {_MINUTE.format(ts="f.ts")} AS m, f.feature, f.value FROM prediction_features f
SEMI JOIN d ON d.model = f.model AND d.m = {_MINUTE.format(ts="f.ts")} WHERE f.ts >= ? AND f.ts < ?
UNION ALL
SELECT p.model, {_MINUTE.format(ts="p.ts")}, '{SCORE}', p.score FROM predictions p
SEMI JOIN d ON d.model = p.model AND d.m = {_MINUTE.format(ts="p.ts")}
WHERE p.ts >= ? AND p.ts < ? AND p.status = 'ok' AND p.score IS NOT NULL
"""
_RANGE = (
    "SELECT model, feature, min(edge) AS lo, max(edge) AS hi FROM model_reference_edges "
    "WHERE model IN (SELECT DISTINCT model FROM d) GROUP BY ALL"
)

# Each (model, feature) with reference edges gets a small integer key for the NumPy binning.
KEYS = (
    "SELECT model, feature, (dense_rank() OVER (ORDER BY model, feature))::INTEGER AS key "
    "FROM (SELECT DISTINCT model, feature FROM model_reference_edges)"
)
EDGE_ARRAYS_SQL = f"SELECT k.key, e.edge FROM model_reference_edges e JOIN ({KEYS}) k USING (model, feature) ORDER BY k.key, e.i"
KEYED_SQL = f"""
WITH {_DIRTY}
SELECT k.key, x.m, x.value FROM ({_ROWS}) x JOIN ({KEYS}) k USING (model, feature)
WHERE x.value IS NOT NULL AND NOT isnan(x.value)
"""
INSERT_BINS_SQL = f"""
INSERT INTO feature_profile
SELECT k.model, b.m, k.feature, b.bin, count(*) FROM binned_rows b JOIN ({KEYS}) k USING (key) WHERE b.bin >= 0 GROUP BY ALL
"""
STATS_SQL = f"""
INSERT INTO feature_profile_stats
WITH {_DIRTY}, r AS ({_RANGE})
SELECT x.model, x.m, x.feature, count(*), count(*) FILTER (x.value IS NULL), count(*) FILTER (isnan(x.value)),
       count(*) FILTER (x.value < r.lo), count(*) FILTER (x.value > r.hi AND NOT isnan(x.value)),
       count(*) FILTER (r.lo IS NULL AND x.value IS NOT NULL AND NOT isnan(x.value)),
       sum(x.value) FILTER (isfinite(x.value)), sum(x.value * x.value) FILTER (isfinite(x.value)),
       min(x.value) FILTER (isfinite(x.value)), max(x.value) FILTER (isfinite(x.value))
FROM ({_ROWS}) x LEFT JOIN r USING (model, feature) GROUP BY ALL
"""
SCORE_SQL = f"""
INSERT INTO score_profile
WITH {_DIRTY}
SELECT p.model, {_MINUTE.format(ts="p.ts")}, p.model_version,
       {{score_bin}}::SMALLINT,
       (CASE WHEN o.id IS NULL THEN -1 WHEN o.label = 1 THEN 1 ELSE 0 END)::TINYINT,
       (coalesce(p.predicted_label, 0) = 1)::TINYINT,
       count(*), sum(p.score), sum(p.score * p.score), min(p.score), max(p.score)
FROM predictions p SEMI JOIN d ON d.model = p.model AND d.m = {_MINUTE.format(ts="p.ts")}
LEFT JOIN outcomes o ON o.id = p.id
WHERE p.ts >= ? AND p.ts < ? AND p.status = 'ok' AND p.score IS NOT NULL AND NOT isnan(p.score)
  AND p.model NOT IN (SELECT model FROM model_tasks WHERE task = 'regression')  -- their score is a value, not in [0, 1]
GROUP BY ALL
"""
# The score's bin (tests/unit/analytics/test_binned_quality.py has the same in NumPy)
_SCORE_BIN = f"""CASE WHEN p.score < {TAIL}
    THEN greatest({LOW_BIN}, -1 - floor(({math.log10(TAIL)} - log10(greatest(p.score, 1e-300))) * {TAIL_STEPS}))
    WHEN 1 - p.score <= {TAIL}
    THEN least({HIGH_BIN}, greatest({SCORE_BINS - 1},
               {SCORE_BINS} + floor(({math.log10(TAIL)} - log10(greatest(1 - p.score, 1e-300))) * {TAIL_STEPS})))
    ELSE floor(p.score * {SCORE_BINS}) END"""
SCORE_SQL = SCORE_SQL.replace("{score_bin}", _SCORE_BIN)
# Minutes with new predictions (features and scores change), then those with only new outcomes (scores).
CHANGED_SQL = f"""
SELECT DISTINCT model, {_MINUTE.format(ts="ts")}, true FROM predictions WHERE received_at > ?
UNION
SELECT p.model, {_MINUTE.format(ts="p.ts")}, false FROM outcomes o JOIN predictions p ON p.id = o.id
WHERE o.received_at > ?
"""
ALL_SQL = f"SELECT DISTINCT model, {_MINUTE.format(ts='ts')}, true FROM predictions WHERE model = ? OR ?"
WATERMARK_SQL = "SELECT greatest((SELECT max(received_at) FROM predictions), (SELECT max(received_at) FROM outcomes))"


def build_edges(store: Store, model: str) -> None:
    """(Re)compute a model's reference edges from its rows in model_reference."""
    with store.transaction("reference") as cur:
        cur.execute("DELETE FROM model_reference_edges WHERE model = ?", [model])
        cur.execute(EDGES_SQL, [model, model])
        multivariate.build_reference(cur, model)


def _run(store: Store, cur: duckdb.DuckDBPyConnection, name: str, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    started = perf_counter()
    rows = cur.execute(sql, list(params)).fetchall()
    store.timings.record(name, perf_counter() - started, len(rows))
    return rows


def _changed(store: Store, cur: duckdb.DuckDBPyConnection, rebuild_models: Sequence[str]) -> dict[tuple[str, datetime], bool]:
    """(model, minute) -> whether its features changed too: everything on a first pass, else what arrived
    since the watermark (a late outcome changes only its minute's scores)."""
    state = _run(store, cur, "profiles.state", "SELECT rolled_until FROM rollup_state WHERE name = ?", [STATE])
    mark = state[0][0] if state else None
    if mark is None:
        rows = _run(store, cur, "profiles.all_minutes", ALL_SQL, [None, True])
    else:
        rows = _run(store, cur, "profiles.changed", CHANGED_SQL, [mark - SETTLE] * 2)
        for model in rebuild_models:  # bins of other edges cannot be merged: drop those past raw retention too
            for table in profile_tiers.FEATURE_TABLES:
                _run(store, cur, f"profiles.drop_{table}", f"DELETE FROM {table} WHERE model = ?", [model])
            rows += _run(store, cur, "profiles.all_minutes", ALL_SQL, [model, False])
    found: dict[tuple[str, datetime], bool] = {}
    for model, minute, features in rows:
        found[(model, minute)] = found.get((model, minute), False) or features
    return found


def _rebuild(store: Store, cur: duckdb.DuckDBPyConnection, tables: Sequence[str], pairs: Sequence[tuple[str, datetime]]) -> None:
    models, minutes = [p[0] for p in pairs], [p[1] for p in pairs]
    span = [min(minutes), max(minutes) + timedelta(minutes=1)]
    for table in tables:
        _run(
            store,
            cur,
            f"profiles.clear_{table}",
            f"DELETE FROM {table} t USING (SELECT unnest(?::VARCHAR[]) AS model, unnest(?::TIMESTAMP[]) AS m) d "
            "WHERE t.model = d.model AND t.ts = d.m",
            [models, minutes],
        )
    if "feature_profile" in tables:
        _bin_features(store, cur, [models, minutes, *span, *span])
        _run(store, cur, "profiles.feature_stats", STATS_SQL, [models, minutes, *span, *span])
        started = perf_counter()
        category_profiles.rebuild(cur, models, minutes, span)
        store.timings.record("profiles.categories", perf_counter() - started, 0)
        started = perf_counter()
        rows = multivariate.rebuild(cur, models, minutes, span)
        store.timings.record("profiles.multivariate", perf_counter() - started, rows)
    _run(store, cur, "profiles.scores", SCORE_SQL, [models, minutes, *span])
    started = perf_counter()
    multiclass.rebuild(cur, models, minutes, span)
    store.timings.record("profiles.multiclass", perf_counter() - started, 0)
    started = perf_counter()
    regression_profiles.rebuild(cur, models, minutes, span)
    store.timings.record("profiles.regression", perf_counter() - started, 0)


def _bin_features(store: Store, cur: duckdb.DuckDBPyConnection, params: list[Any]) -> None:
    import pyarrow as pa

    started = perf_counter()
    edges = cur.sql(EDGE_ARRAYS_SQL).to_arrow_table()
    rows = cur.sql(KEYED_SQL, params=params).to_arrow_table()
    keys = rows.column("key").to_numpy()
    bins = bin_keyed(
        keys, rows.column("value").to_numpy(), split_edges(edges.column("key").to_numpy(), edges.column("edge").to_numpy())
    )
    binned = pa.table({"key": keys, "m": rows.column("m"), "bin": bins})
    cur.register("binned_rows", binned)
    try:
        cur.execute(INSERT_BINS_SQL)
    finally:
        cur.unregister("binned_rows")
    store.timings.record("profiles.features", perf_counter() - started, len(bins))


def refresh(store: Store, now: datetime, rebuild_models: Sequence[str] = ()) -> int:
    """Rebuild the profile minutes that changed since the last refresh (every minute of `rebuild_models`,
    whose reference edges were just (re)built); returns the minutes rebuilt."""
    with store.transaction("profiles") as cur:
        mark = _run(store, cur, "profiles.watermark", WATERMARK_SQL, [])[0][0]
        changed = _changed(store, cur, rebuild_models)
        features = sorted(pair for pair, with_features in changed.items() if with_features)
        scores_only = sorted(pair for pair, with_features in changed.items() if not with_features)
        if features:
            _rebuild(store, cur, PROFILE_TABLES, features)
        if scores_only:
            _rebuild(store, cur, ("score_profile",), scores_only)
        started = perf_counter()
        rolled = profile_tiers.roll(cur, [(*pair, f) for pair, f in changed.items()], now, rebuild_models)
        store.timings.record("profiles.tiers", perf_counter() - started, sum(rolled.values()))
        closed = profile_tiers.marks(cur)["_hour"]
        stale = [model for model, minute in changed if closed is not None and minute < closed]
        window_generations.bump(cur, [*stale, *rebuild_models], now)
        window_generations.bump(cur, [*(model for model, _ in changed), *rebuild_models], now, window_generations.OPEN_PREFIX)
        _run(store, cur, "profiles.set_state", "INSERT OR REPLACE INTO rollup_state VALUES (?, ?, ?)", [STATE, mark, now])
    return len(changed)


def has_edges(store: Store, model: str) -> bool:
    row = store.fetch_one("profiles.has_edges", "SELECT count(*) FROM model_reference_edges WHERE model = ?", [model])
    return bool(row and row[0])
