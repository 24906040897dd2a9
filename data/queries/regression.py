"""Reads of regression models' rows: their task at ingest, and the Model page's predicted-vs-actual cells and
residual series."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from data.queries import profile_tiers
from data.store import Store

GRID = 40  # cells a side of the predicted-vs-actual grid

# The stored predictions among `ids` with their model's task (no recorded task: binary).
TASKS_SQL = """
SELECT p.id, p.model, coalesce(t.task, 'binary') FROM predictions p LEFT JOIN model_tasks t USING (model)
WHERE p.id IN (SELECT unnest(?::VARCHAR[]))
"""


def prediction_tasks(store: Store, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """id -> (model, task) of the stored predictions among `ids`."""
    return {r[0]: (r[1], r[2]) for r in store.fetch_all("regression.prediction_tasks", TASKS_SQL, [list(ids)])}


# Labelled rows of the range on a GRID x GRID grid over their common range of values: (predicted cell centre,
# actual cell centre, rows). Parameters: model, since, until.
DENSITY_SQL = f"""
WITH r AS (SELECT p.score AS p, coalesce(v.value, o.label::DOUBLE) AS y FROM predictions p
           JOIN outcomes o ON o.id = p.id LEFT JOIN outcome_values v ON v.id = p.id
           WHERE p.model = ? AND p.ts >= ? AND p.ts < ? AND p.status = 'ok' AND isfinite(p.score)),
e AS (SELECT least(min(p), min(y)) AS lo, greatest(max(p), max(y)) - least(min(p), min(y)) AS span FROM r),
c AS (SELECT least({GRID - 1}, floor((r.p - e.lo) / nullif(e.span, 0) * {GRID}))::INTEGER AS cp,
             least({GRID - 1}, floor((r.y - e.lo) / nullif(e.span, 0) * {GRID}))::INTEGER AS cy, e.lo, e.span
      FROM r, e WHERE r.y IS NOT NULL)
SELECT lo + (coalesce(cp, 0) + 0.5) * coalesce(span, 0) / {GRID}, lo + (coalesce(cy, 0) + 0.5) * coalesce(span, 0) / {GRID},
       count(*) FROM c GROUP BY ALL ORDER BY 1, 2
"""


def density(store: Store, model: str, since: datetime, until: datetime) -> list[tuple[float, float, int]]:
    """The range's labelled rows as (predicted cell centre, actual cell centre, rows) on a GRID x GRID grid."""
    return [(float(a), float(b), int(n)) for a, b, n in store.fetch_all("regression.density", DENSITY_SQL, [model, since, until])]


def residuals(store: Store, model: str, since: datetime, until: datetime) -> dict[str, list[Any]]:
    """ts, mean_error and mae of each profile bucket of the range with labelled rows (closed days and hours
    from their tiers, the rest by minute)."""
    first, last = profile_tiers.floor(since, 60), profile_tiers.floor(until, 60)
    slices = profile_tiers.plan(first, max(first, last), profile_tiers.read_marks(store))
    sql, params = profile_tiers.source("regression_profile", slices, "model = ?", [model])
    rows = store.fetch_all(
        "regression.residuals",
        f"SELECT ts, e_sum / labelled, abs_sum / labelled FROM {sql} WHERE labelled > 0 ORDER BY ts",
        params,
    )
    return {"ts": [r[0] for r in rows], "mean_error": [r[1] for r in rows], "mae": [r[2] for r in rows]}
