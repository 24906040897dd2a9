"""Running totals behind the regression and multiclass fleet counters on /metrics (migration 0021), kept
as data/queries/fleet_counts.py keeps the binary ones: `add` (inside its update transaction, over the same
changed minutes) adds what each re-profiled minute changed and stores that minute's contribution.

Regression, per model: labelled rows, the sums of |error| and error², and |error| counts per decade bucket
(le 10^-2, 1, 10^2 .. 10^8 and +Inf: 7), exact from the profiles' log-spaced bins, which split at every decade; an
|error| exactly on a decade counts in the bucket above it. Multiclass, per model and class: labelled rows whose
true class it is, that were predicted as it, and that were right. A model's first FLEET_CLASSES classes (in
the order first seen, so a class keeps its name for good) are named, the others fold into `__other__` (right
when the true and predicted class are the same one): at most 11 classes x 3 series.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import duckdb

from data.queries.multiclass import OTHER
from data.store import Store

FLEET_CLASSES = 10
DECADES = tuple(range(-2, 10, 2))  # bucket le = 10^d, every second decade (/metrics' series bound); then +Inf
TOP = "inf"
_D = "d AS (SELECT unnest(?::VARCHAR[]) AS model, unnest(?::TIMESTAMP[]) AS m)"
_OF_D = "SEMI JOIN d ON d.model = {t}.model AND d.m = {t}.ts"
# The unsigned profile bin k covers |error| in [10^((k-1)/100 - 6), 10^(k/100 - 6)): below 10^d for every
# d >= ceil(k/100) - 6, so its bucket is the smallest even such d.
_EVEN = "2 * ceil((ceil(abs(e.bin) / 100) - 6) / 2)"
_DECADE = f"CASE WHEN {_EVEN} > {DECADES[-1]} THEN '{TOP}' ELSE greatest({DECADES[0]}, {_EVEN})::INTEGER::VARCHAR END"
_KEPT = f"(SELECT model, class FROM model_classes WHERE position < {FLEET_CLASSES})"
_NEW = f"""SELECT model, ts, series, key, sum(value) AS value FROM (
    SELECT r.model, r.ts, unnest(['labelled', 'abs_error_sum', 'squared_error_sum']) AS series, '' AS key,
           unnest([r.labelled::DOUBLE, coalesce(r.abs_sum, 0), coalesce(r.e_sq, 0)]) AS value
    FROM regression_profile r {_OF_D.format(t="r")}
    UNION ALL SELECT e.model, e.ts, 'abs_error_bucket', {_DECADE}, e.n FROM regression_error_profile e {_OF_D.format(t="e")}
    UNION ALL SELECT c.model, c.ts, unnest(['class_true', 'class_predicted', 'class_correct']),
           unnest([coalesce(kt.class, '{OTHER}'), coalesce(kp.class, '{OTHER}'), coalesce(kt.class, '{OTHER}')]),
           unnest([c.n, c.n, CASE WHEN c.true_class = c.predicted THEN c.n ELSE 0 END])
    FROM multiclass_profile c {_OF_D.format(t="c")}
    LEFT JOIN {_KEPT} kt ON kt.model = c.model AND kt.class = c.true_class
    LEFT JOIN {_KEPT} kp ON kp.model = c.model AND kp.class = c.predicted
    WHERE c.true_class IS NOT NULL
) GROUP BY ALL"""
ADD_SQL = f"""
INSERT INTO fleet_total_task WITH {_D}
SELECT model, series, key, sum(value) FROM (
    SELECT model, series, key, value FROM ({_NEW})
    UNION ALL SELECT model, series, key, -value FROM fleet_minute_task t {_OF_D.format(t="t")}
) GROUP BY ALL
ON CONFLICT DO UPDATE SET value = value + excluded.value
"""
CLEAR_SQL = f"DELETE FROM fleet_minute_task t USING (WITH {_D} SELECT * FROM d) d WHERE t.model = d.model AND t.ts = d.m"
STORE_SQL = f"INSERT INTO fleet_minute_task WITH {_D} {_NEW}"
TOTALS_SQL = "SELECT model, series, key, value FROM fleet_total_task ORDER BY ALL"
MINUTES_SQL = "SELECT DISTINCT model, ts FROM regression_profile UNION SELECT DISTINCT model, ts FROM multiclass_profile"


class TaskTotal(NamedTuple):
    model: str
    series: str
    key: str
    value: float


def add(cur: duckdb.DuckDBPyConnection, params: Sequence[object]) -> None:
    """Add what the (model, minute) pairs in `params` changed to the totals, and store their contributions."""
    cur.execute(ADD_SQL, params)
    cur.execute(CLEAR_SQL, params)
    cur.execute(STORE_SQL, params)


def task_totals(store: Store) -> list[TaskTotal]:
    """Every total: per model, series and bucket or class."""
    return [TaskTotal(*row) for row in store.fetch_all("fleet.tasks", TOTALS_SQL)]
