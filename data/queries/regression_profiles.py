"""Regression models' per-minute profiles (migration 0018), rebuilt with the other profiles for the minutes
that changed (a late label re-profiles its minute) and rolled into hours and days by profile_tiers.

`regression_profile` holds sums that merge by addition, so every figure of a window is exact: predictions
n, sum and sum of squares of the prediction p (all rows with a finite value), and over labelled rows (label
y, error e = p - y): their count, sums and sums of squares of y and e, the sum of e^4 (RMSE's standard
error; NULL in minutes profiled before migration 0020), the sum of |e|, the count and sum of
|e| / |y| over y != 0 (MAPE), and the sum of 2 |e| / (|p| + |y|) (sMAPE; a row with p = y = 0 adds 0).

`regression_error_profile` counts labelled rows by signed error bin on fixed log-spaced bins: bin 0 holds
|e| < 1e-6 (zero included); bin +-(k + 1) holds e > 0 / e < 0 with |e| in [10^(k/100 - 6), 10^((k+1)/100 - 6)),
k = 0 .. 1799 (1e-6 up to 1e12, each bin 2.33 % wide); k is capped at 1799, so the top bins also hold larger
errors (their upper edge is unbounded). |error| quantiles merge the two signs (analytics/regression.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb

from data.queries import profile_tiers
from data.store import Store

TABLES = ("regression_profile", "regression_error_profile")
SUMS = profile_tiers.REGRESSION_SUMS
LOWEST_EXPONENT, STEPS, TOP = -6, 100, 1799  # the bins above (analytics/regression.py has their edges)
ZERO_BELOW = 10.0**LOWEST_EXPONENT

# A minute's regression rows: prediction p, label y (NULL before its outcome). Parameters: models[], minutes[],
# since, until.
_ROWS = """
d AS (SELECT unnest(?::VARCHAR[]) AS model, unnest(?::TIMESTAMP[]) AS m),
r AS (SELECT p.model, time_bucket(INTERVAL 1 MINUTE, p.ts) AS m, p.score AS p, coalesce(v.value, o.label::DOUBLE) AS y
      FROM predictions p SEMI JOIN d ON d.model = p.model AND d.m = time_bucket(INTERVAL 1 MINUTE, p.ts)
      LEFT JOIN outcomes o ON o.id = p.id LEFT JOIN outcome_values v ON v.id = p.id
      WHERE p.ts >= ? AND p.ts < ? AND p.status = 'ok' AND isfinite(p.score)
        AND p.model IN (SELECT model FROM model_tasks WHERE task = 'regression'))
"""
PROFILE_SQL = f"""
INSERT INTO regression_profile
WITH {_ROWS}
SELECT model, m, count(*), sum(p), sum(p * p), count(y), sum(y), sum(y * y), sum(p - y), sum((p - y) * (p - y)),
       sum(abs(p - y)), count(*) FILTER (y <> 0), sum(abs(p - y) / abs(y)) FILTER (y <> 0),
       sum(CASE WHEN abs(p) + abs(y) > 0 THEN 2 * abs(p - y) / (abs(p) + abs(y)) ELSE 0 END),
       coalesce(sum(((p - y) * (p - y)) * ((p - y) * (p - y))), 0)
FROM r GROUP BY ALL
"""
ERRORS_SQL = f"""
INSERT INTO regression_error_profile
WITH {_ROWS}
SELECT model, m,
       (CASE WHEN abs(p - y) < {ZERO_BELOW} THEN 0
             ELSE sign(p - y) * (1 + least({TOP}, floor((log10(abs(p - y)) - ({LOWEST_EXPONENT})) * {STEPS})))
        END)::SMALLINT AS bin,
       count(*)
FROM r WHERE y IS NOT NULL GROUP BY ALL
"""


def rebuild(cur: duckdb.DuckDBPyConnection, models: list[str], minutes: list[datetime], span: list[datetime]) -> None:
    """Rebuild the regression profiles of these (model, minute) pairs (inside the profiles' transaction)."""
    for table in TABLES:
        cur.execute(
            f"DELETE FROM {table} t USING (SELECT unnest(?::VARCHAR[]) AS model, unnest(?::TIMESTAMP[]) AS m) d "
            "WHERE t.model = d.model AND t.ts = d.m",
            [models, minutes],
        )
    cur.execute(PROFILE_SQL, [models, minutes, *span])
    cur.execute(ERRORS_SQL, [models, minutes, *span])


def read(store: Store, model: str, first: datetime, last: datetime) -> tuple[dict[str, float], dict[int, int]]:
    """The merged sums (SUMS, 0 when none; e_4, or e_4_missing 1 when a minute has none) and signed error
    bin -> count of the minutes [first, last]."""
    sql, params, _ = profile_tiers.window_source(store, "regression_profile", model, first, last)
    columns = [*(f"sum({c})" for c in SUMS), profile_tiers.NULL_SUM.format(c="e_4")]
    row: Any = store.fetch_one("regression.sums", f"SELECT {', '.join(columns)} FROM {sql}", params)
    sums = {c: float(v or 0) for c, v in zip(SUMS, row or (), strict=False)}
    e_4 = row[len(SUMS)] if row else 0.0
    sums.update({"e_4": float(e_4)} if e_4 is not None else {"e_4_missing": 1.0})
    sql, params, _ = profile_tiers.window_source(store, "regression_error_profile", model, first, last)
    bins = store.fetch_all("regression.error_bins", f"SELECT bin, sum(n) FROM {sql} GROUP BY bin", params)
    return sums, {int(b): int(n) for b, n in bins}
