"""Rules across the fields of a multiclass batch that the schema alone cannot say: an 'ok' row needs a
predicted_label; probabilities sum to 1 within 1e-6 and name the predicted label; and, for other tasks,
a class name or probabilities are refused. Each problem names its row and field."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from data.queries import multiclass as mq
from data.store import Store

if TYPE_CHECKING:
    import pyarrow as pa

MULTICLASS = "multiclass"
SUM_TOLERANCE = 1e-6
MAX_CLASSES = mq.MAX_CLASSES  # distinct classes per model, enforced against the store (data/queries/multiclass.py)
MULTICLASS_TEXT = (
    "a multiclass row ('ok') needs predicted_label (a class: a name of at most 200 characters or an "
    f'integer; 3 and "3" are one class); optional probabilities map classes to values in [0, 1] that sum '
    f"to 1 within {SUM_TOLERANCE:g} and name the predicted label (a class a row leaves out has probability 0); "
    f"a model has at most {MAX_CLASSES} classes: the batch whose predicted labels or probability keys would "
    "bring the next one is a 422 naming that row and field (a true class beyond them is counted as __other__)"
)


def class_name(value: int | str) -> str:
    """A class as stored: an integer class is its decimal digits."""
    return value if isinstance(value, str) else str(value)


def _problem(row: int, field: str, error: str) -> dict[str, Any]:
    return {"row": row, "field": f"predictions[{row}].{field}", "error": error}


def multiclass_problems(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Problems of the rows of a multiclass batch (an error row needs an error_kind, as for every task)."""
    problems = []
    for i, row in enumerate(rows):
        status = row.get("status", "ok")
        label, probabilities = row.get("predicted_label"), row.get("probabilities")
        if status == "error" and row.get("error_kind") is None:
            problems.append(_problem(i, "error_kind", "a prediction with status 'error' needs an error_kind"))
        elif status == "ok" and label is None:
            problems.append(_problem(i, "predicted_label", "a multiclass prediction with status 'ok' needs a predicted_label"))
        if row.get("score") is not None:
            problems.append(_problem(i, "score", "a multiclass prediction sends probabilities, not a score"))
        if probabilities:
            problems += _probability_problems(i, label, probabilities)
    return problems


def _probability_problems(i: int, label: int | str | None, probabilities: dict[str, float]) -> list[dict[str, Any]]:
    total = math.fsum(probabilities.values())
    if abs(total - 1.0) > SUM_TOLERANCE:
        return [_problem(i, "probabilities", f"probabilities sum to {total!r}, not 1 within {SUM_TOLERANCE:g}")]
    if label is not None and class_name(label) not in probabilities:
        return [_problem(i, "probabilities", f"the predicted label {class_name(label)!r} is not among the probabilities")]
    return []


def foreign_class_problem(i: int, row: dict[str, Any]) -> dict[str, Any]:
    """A class name or probabilities in a row of another task (binary labels are integers)."""
    if row.get("probabilities") is not None:
        return _problem(i, "probabilities", "probabilities are for multiclass models: declare task 'multiclass'")
    return _problem(i, "predicted_label", "a class name is for multiclass models: declare task 'multiclass'")


def split_class_names(labels: Sequence[Any]) -> tuple[list[Any], list[tuple[int, str]]]:
    """The outcomes' labels with class names as None (their outcomes row's label), and the (row, name) of those."""
    named = [(i, label) for i, label in enumerate(labels) if isinstance(label, str)]
    if not named:
        return list(labels), []
    return [None if isinstance(label, str) else label for label in labels], named


def class_name_problems(
    store: Store, outcomes: Sequence[Mapping[str, Any]], named: Sequence[tuple[int, str]]
) -> list[dict[str, Any]]:
    """A class name for a stored prediction of a model that is not multiclass is refused (an outcome whose
    prediction has not arrived yet cannot be checked: it is kept)."""
    if not named:
        return []
    wrong = mq.non_multiclass_ids(store, [outcomes[i]["id"] for i, _ in named])
    return [
        {
            "row": i,
            "field": f"outcomes[{i}].label",
            "error": f"model {wrong[outcomes[i]['id']]!r} is not a multiclass model: its labels are numbers",
        }
        for i, _ in named
        if outcomes[i]["id"] in wrong
    ]


def outcome_class_table(
    outcomes: Sequence[Mapping[str, Any]], named: Sequence[tuple[int, str]], now: datetime
) -> pa.Table | None:
    """The class names as outcome_classes rows (id, label, ts), or None when there are none."""
    if not named:
        return None
    import pyarrow as pa

    return pa.table(
        {
            "id": pa.array([outcomes[i]["id"] for i, _ in named], pa.string()),
            "label": pa.array([name for _, name in named], pa.string()),
            "ts": pa.array([now] * len(named), pa.timestamp("us")),
        }
    )
