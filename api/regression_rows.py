"""Regression rows of the ingest routes: which rows are regression ones, their own rules, and their storage
form. A regression model logs its predicted value as `prediction` (any finite number); it is stored in the
predictions row's `score` column, so the binary ingest path and its columns stay as they are. Its outcomes'
labels are numbers: one that is not an integer in [0, 1,000,000] goes to `outcome_values` (data/ingest.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from api.schemas import log_problems
from data.queries import model_tasks
from data.queries import regression as rq
from data.store import Store

REGRESSION = "regression"
Problem = dict[str, Any]


def row_tasks(store: Store, rows: Sequence[Mapping[str, Any]], declared: str | None) -> list[str]:
    """Each row's task: the batch's declared one, else its model's recorded one (binary when none)."""
    if declared is not None:
        return [declared] * len(rows)
    if not any(row.get("prediction") is not None for row in rows):  # the binary path reads no task
        return [model_tasks.DEFAULT_TASK] * len(rows)
    recorded = model_tasks.tasks(store)
    return [model_tasks.task_of(recorded, row["model"]) for row in rows]


def problems(rows: Sequence[dict[str, Any]], tasks: Sequence[str]) -> list[Problem]:
    """The batch's cross-field problems: the binary rules for other rows, the regression ones for regression rows."""
    if REGRESSION not in tasks:
        return log_problems(list(rows)) + _stray_predictions(rows)
    found: list[Problem] = []
    for i, (row, task) in enumerate(zip(rows, tasks, strict=True)):
        if task == REGRESSION:
            found += _regression_problems(i, row)
            continue
        own = [{**p, "row": i, "field": p["field"].replace("[0]", f"[{i}]", 1)} for p in log_problems([row])]
        found += own + [{**p, "row": i, "field": f"predictions[{i}].prediction"} for p in _stray_predictions([row])]
    return found


def _regression_problems(i: int, row: Mapping[str, Any]) -> list[Problem]:
    if row.get("score") is not None:
        return [_problem(i, "score", "a regression model logs its predicted value as 'prediction', not 'score'")]
    if row.get("status", "ok") == "ok" and row.get("prediction") is None:
        return [_problem(i, "prediction", "a regression prediction with status 'ok' needs a prediction (a finite number)")]
    if row.get("status") == "error" and row.get("error_kind") is None:
        return [_problem(i, "error_kind", "a prediction with status 'error' needs an error_kind")]
    return []


def _stray_predictions(rows: Sequence[Mapping[str, Any]]) -> list[Problem]:
    """`prediction` is the regression field: a binary row that sends it would lose it."""
    return [
        _problem(i, "prediction", "'prediction' is for regression models (declare task 'regression'); this model logs 'score'")
        for i, row in enumerate(rows)
        if row.get("prediction") is not None
    ]


def _problem(i: int, name: str, error: str) -> Problem:
    return {"row": i, "field": f"predictions[{i}].{name}", "error": error}


def as_scored(rows: Sequence[dict[str, Any]], tasks: Sequence[str]) -> None:
    """Regression rows' predicted value moves to `score`, the column it is stored in (in place)."""
    for row, task in zip(rows, tasks, strict=True):
        if task == REGRESSION:
            row["score"] = row.pop("prediction", None)


def split_labels(outcomes: Sequence[Mapping[str, Any]]) -> tuple[list[int | None], list[tuple[int, float]]]:
    """The outcomes' integer labels (None for a numeric one) and the (row, value) of the numeric ones: a label
    that is not an integer in [0, 1,000,000] (the schema tries that first) is a regression label."""
    labels: list[int | None] = []
    values: list[tuple[int, float]] = []
    for i, outcome in enumerate(outcomes):
        label = outcome["label"]
        if isinstance(label, float):
            values.append((i, label))
            labels.append(None)
        else:
            labels.append(label)
    return labels, values


def value_problems(store: Store, outcomes: Sequence[Mapping[str, Any]], values: Sequence[tuple[int, float]]) -> list[Problem]:
    """A numeric label is taken for a stored prediction of a regression model only: for a classifier's it is
    wrong, and one whose prediction has not arrived cannot be told from a wrong classifier label."""
    if not values:
        return []
    found = rq.prediction_tasks(store, [outcomes[i]["id"] for i, _ in values])
    problems = []
    for i, _ in values:
        model, task = found.get(outcomes[i]["id"], (None, None))
        if task == REGRESSION:
            continue
        error = (
            f"model {model!r} is a {task} model: its labels are integers from 0 to 1,000,000"
            if model is not None
            else "a numeric label (not an integer from 0 to 1,000,000) is taken once its regression prediction is stored"
        )
        problems.append({"row": i, "field": f"outcomes[{i}].label", "error": error})
    return problems
