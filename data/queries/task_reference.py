"""Regression and multiclass models' reference figures (migration 0021): RMSE and MAE, or the confusion
counts whose macro F1 is the reference, of a model's first REFERENCE_ROWS labelled predictions by time (the
rows the multiclass class-share reference is frozen from). Frozen once, so retention deleting those rows later
changes nothing; the alert metrics rmse_ratio_to_reference and macro_f1_drop compare each window with them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from data.queries.multiclass import REFERENCE_ROWS
from data.store import Store

# A regression model's first labelled rows: the figures over them. Parameters: model, rows.
_REGRESSION_SQL = """
WITH first_n AS (
    SELECT p.score - coalesce(v.value, o.label::DOUBLE) AS e FROM predictions p
    JOIN outcomes o ON o.id = p.id LEFT JOIN outcome_values v ON v.id = p.id
    WHERE p.model = ? AND p.status = 'ok' AND isfinite(p.score) AND coalesce(v.value, o.label) IS NOT NULL
    ORDER BY p.ts, p.id LIMIT ?)
SELECT count(*), sqrt(avg(e * e)), avg(abs(e)) FROM first_n
"""
# A multiclass model's first labelled rows: (true class, predicted class, rows). Parameters: model, rows.
_MULTICLASS_SQL = """
WITH first_n AS (
    SELECT coalesce(oc.label, o.label::VARCHAR) AS truth, c.predicted FROM prediction_classes c
    JOIN outcomes o ON o.id = c.id LEFT JOIN outcome_classes oc ON oc.id = c.id
    WHERE c.model = ? ORDER BY c.ts, c.id LIMIT ?)
SELECT truth, predicted, count(*) FROM first_n GROUP BY ALL ORDER BY ALL
"""


@dataclass(frozen=True)
class TaskReference:
    model: str
    task: str
    rows: int
    rmse: float | None = None
    mae: float | None = None
    macro_f1: float | None = None


def stored(store: Store, model: str) -> TaskReference | None:
    row = store.fetch_one(
        "quality.task_reference",
        "SELECT model, task, rows, rmse, mae, macro_f1 FROM model_task_reference WHERE model = ?",
        [model],
    )
    return TaskReference(*row) if row else None


def regression_figures(store: Store, model: str, rows: int = REFERENCE_ROWS) -> TaskReference | None:
    """RMSE and MAE of the model's first `rows` labelled predictions; None until it has that many."""
    found = store.fetch_one("quality.task_reference_regression", _REGRESSION_SQL, [model, rows])
    if not found or found[0] < rows:
        return None
    return TaskReference(model, "regression", int(found[0]), rmse=float(found[1]), mae=float(found[2]))


def multiclass_counts(store: Store, model: str, rows: int = REFERENCE_ROWS) -> list[tuple[str, str, int]]:
    """(true class, predicted class, rows) of the model's first `rows` labelled predictions; empty until it has that many."""
    counts = [
        (str(t), str(p), int(n))
        for t, p, n in store.fetch_all("quality.task_reference_multiclass", _MULTICLASS_SQL, [model, rows])
    ]
    return counts if sum(n for _, _, n in counts) >= rows else []


def save(store: Store, reference: TaskReference, now: datetime) -> None:
    """Freeze `reference` (a model keeps the first one saved)."""
    with store.transaction("reference") as cur:
        cur.execute(
            "INSERT OR IGNORE INTO model_task_reference VALUES (?, ?, ?, ?, ?, ?, ?)",
            [reference.model, reference.task, reference.rows, reference.rmse, reference.mae, reference.macro_f1, now],
        )
