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

# What a regression or multiclass row adds, one row per prediction id (a prediction has one task, so the
# parts' ids are disjoint): its label's value, or its predicted and true class names. Measured in
# bench/outcome_status.py: the reads take 1.5-2x the binary-only status's time at 1M rows (the hash table
# of these rows is built whole, where the outcomes scan is pruned by the window's ids).
_TASK_ROWS = """SELECT id, value, NULL::VARCHAR AS truth, NULL::VARCHAR AS predicted FROM outcome_values{bound}
    UNION ALL SELECT c.id, NULL, oc.label, c.predicted FROM prediction_classes c
    LEFT JOIN outcome_classes oc ON oc.id = c.id{bound_c}"""
_PER_MODEL = """LEFT JOIN (SELECT t.model, t.task, tol.absolute, tol.relative FROM model_tasks t
    LEFT JOIN model_tolerances tol ON tol.model = t.model WHERE t.task <> 'binary') mt ON mt.model = p.model"""
_OF_P = " WHERE id IN (SELECT id FROM p)"
JOINS = f"LEFT JOIN outcomes o ON o.id = p.id LEFT JOIN ({_TASK_ROWS.format(bound='', bound_c='')}) x ON x.id = p.id {_PER_MODEL}"
JOINS_OF_P = (
    f"LEFT JOIN (SELECT id, label FROM outcomes{_OF_P}) o ON o.id = p.id "
    f"LEFT JOIN ({_TASK_ROWS.format(bound=_OF_P, bound_c=' WHERE c.id IN (SELECT id FROM p)')}) x ON x.id = p.id {_PER_MODEL}"
)
_VALUE = "coalesce(x.value, o.label::DOUBLE)"
_WITHIN = (
    f"abs(p.score - {_VALUE}) <= greatest(coalesce(mt.absolute, {DEFAULT_ABSOLUTE!r}), "
    f"coalesce(mt.relative, {DEFAULT_RELATIVE!r}) * abs({_VALUE}))"
)
CORRECT_SQL = f"""CASE coalesce(mt.task, 'binary')
    WHEN 'regression' THEN coalesce({_WITHIN}, false)
    WHEN 'multiclass' THEN coalesce(x.predicted = coalesce(x.truth, o.label::VARCHAR), false)
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
    row = store.fetch_one("predictions.tolerance", "SELECT absolute, relative FROM model_tolerances WHERE model = ?", [model])
    return Tolerance(float(row[0]), float(row[1]), False) if row else Tolerance(DEFAULT_ABSOLUTE, DEFAULT_RELATIVE, True)
