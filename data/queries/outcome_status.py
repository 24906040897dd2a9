"""A prediction's outcome status per task: error (the request failed), pending (no label yet), success or
failure. Binary: the predicted label equals the label. Multiclass: the predicted class equals the true
class. Regression: the absolute error is within the model's tolerance (`model_tolerances`, migration 0021):
|prediction - label| <= max(absolute, relative * |label|), DEFAULT_ABSOLUTE and DEFAULT_RELATIVE for a model
without a row.

STATUS_SQL reads `p` (predictions columns id, model, status, score, predicted_label) and the aliases JOINS
adds after it; JOINS_OF_P bounds each outcome table by the ids of a CTE `p` (see predictions.JOINS_OF_P).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from data.store import Store

DEFAULT_ABSOLUTE = 0.0
DEFAULT_RELATIVE = 0.10  # within 10 % of the true value

_TABLES = (  # alias, the outcome-side table and the columns STATUS_SQL reads
    ("o", "outcomes", "id, label"),
    ("ov", "outcome_values", "id, value"),
    ("oc", "outcome_classes", "id, label"),
    ("pc", "prediction_classes", "id, predicted"),
)
_PER_MODEL = "LEFT JOIN model_tasks mt ON mt.model = p.model LEFT JOIN model_tolerances mtol ON mtol.model = p.model"
JOINS = " ".join(f"LEFT JOIN {table} {alias} ON {alias}.id = p.id" for alias, table, _ in _TABLES) + " " + _PER_MODEL
JOINS_OF_P = (
    " ".join(
        f"LEFT JOIN (SELECT {cols} FROM {table} WHERE id IN (SELECT id FROM p)) {alias} ON {alias}.id = p.id"
        for alias, table, cols in _TABLES
    )
    + " "
    + _PER_MODEL
)
_VALUE = "coalesce(ov.value, o.label::DOUBLE)"
_WITHIN = (
    f"abs(p.score - {_VALUE}) <= greatest(coalesce(mtol.absolute, {DEFAULT_ABSOLUTE!r}), "
    f"coalesce(mtol.relative, {DEFAULT_RELATIVE!r}) * abs({_VALUE}))"
)
CORRECT_SQL = f"""CASE coalesce(mt.task, 'binary')
    WHEN 'regression' THEN coalesce({_WITHIN}, false)
    WHEN 'multiclass' THEN coalesce(pc.predicted = coalesce(oc.label, o.label::VARCHAR), false)
    ELSE coalesce(o.label = p.predicted_label, false) END"""
STATUS_SQL = f"""CASE WHEN p.status = 'error' THEN 'error' WHEN o.id IS NULL THEN 'pending'
                     WHEN {CORRECT_SQL} THEN 'success' ELSE 'failure' END"""


def set_tolerance(store: Store, model: str, absolute: float, relative: float, now: datetime) -> None:
    """Replace `model`'s tolerance (0 turns a side off); the rollups of minutes already rolled keep the old one."""
    with store.transaction("tolerance") as cur:
        cur.execute("INSERT OR REPLACE INTO model_tolerances VALUES (?, ?, ?, ?)", [model, absolute, relative, now])


@dataclass(frozen=True)
class Tolerance:
    absolute: float
    relative: float
    default: bool  # no tolerance set for the model: the defaults


def tolerance(store: Store, model: str) -> Tolerance:
    """`model`'s tolerance, the defaults when none was set."""
    row = store.fetch_one("tolerance.of", "SELECT absolute, relative FROM model_tolerances WHERE model = ?", [model])
    return Tolerance(float(row[0]), float(row[1]), False) if row else Tolerance(DEFAULT_ABSOLUTE, DEFAULT_RELATIVE, True)
