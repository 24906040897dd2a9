"""Reads of regression models' rows at ingest."""

from __future__ import annotations

from collections.abc import Sequence

from data.store import Store

# The stored predictions among `ids` with their model's task (no recorded task: binary).
TASKS_SQL = """
SELECT p.id, p.model, coalesce(t.task, 'binary') FROM predictions p LEFT JOIN model_tasks t USING (model)
WHERE p.id IN (SELECT unnest(?::VARCHAR[]))
"""


def prediction_tasks(store: Store, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """id -> (model, task) of the stored predictions among `ids`."""
    return {r[0]: (r[1], r[2]) for r in store.fetch_all("regression.prediction_tasks", TASKS_SQL, [list(ids)])}
