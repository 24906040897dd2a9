"""Each model's task (binary, multiclass, regression): recorded by the first ingested batch that names
the model, inside that batch's transaction, and immutable once the model has data. A model with no
recorded task is binary (the built-in models, every model logged before tasks were recorded)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import duckdb

from data.store import Store

TASKS = ("binary", "multiclass", "regression")
DEFAULT_TASK = "binary"  # the inferred task: a score in [0, 1] and integer 0/1 labels


class TaskConflict(Exception):
    """A batch declares a task other than the one a model already has."""

    def __init__(self, model: str, recorded: str, declared: str) -> None:
        super().__init__(
            f"model {model!r} is a {recorded} model; its task cannot become {declared}: log the {declared} "
            f"predictions under a new model name (for example {model + '-' + declared!r})"
        )
        self.model, self.recorded, self.declared = model, recorded, declared


def claim(cur: duckdb.DuckDBPyConnection, models: Sequence[str], task: str | None, now: datetime) -> None:
    """Record the task of the `models` that have none (`task`, or the default when the batch declares none);
    raise TaskConflict when `task` differs from a model's own."""
    names = sorted(set(models))
    recorded, inferred = _recorded(lambda sql, params: cur.execute(sql, params).fetchall(), names)
    _check(recorded, names, task)
    new = [(m, recorded.get(m, task or DEFAULT_TASK), task is not None and m not in recorded, now) for m in names]
    new = [row for row in new if row[0] not in recorded or row[0] in inferred]
    if new:
        cur.executemany("INSERT INTO model_tasks VALUES (?, ?, ?, ?)", new)


def check(store: Store, models: Sequence[str], task: str | None) -> None:
    """Raise TaskConflict when `task` differs from one of the `models`' own (a read: `claim` checks again
    inside the ingest transaction)."""
    names = sorted(set(models))
    recorded, _ = _recorded(lambda sql, params: store.fetch_all("model_tasks.recorded", sql, params), names)
    _check(recorded, names, task)


def _recorded(fetch: Callable[[str, list[Any]], list[Any]], names: list[str]) -> tuple[dict[str, str], set[str]]:
    """model -> task of the `names` that have one or have predictions without one (binary), and the latter."""
    recorded = dict(fetch("SELECT model, task FROM model_tasks WHERE list_contains(?, model)", [names]))
    missing = [m for m in names if m not in recorded]
    inferred = (
        {row[0] for row in fetch("SELECT DISTINCT model FROM predictions WHERE list_contains(?, model)", [missing])}
        if missing
        else set()
    )
    return {**recorded, **dict.fromkeys(inferred, DEFAULT_TASK)}, inferred


def _check(recorded: dict[str, str], names: list[str], task: str | None) -> None:
    for model in names:
        if task is not None and recorded.get(model, task) != task:
            raise TaskConflict(model, recorded[model], task)


def tasks(store: Store) -> dict[str, str]:
    """model -> task of every model with a recorded task (others are binary: `task_of`)."""
    return dict(store.fetch_all("model_tasks.all", "SELECT model, task FROM model_tasks"))


def tasks_of(store: Store, models: Sequence[str]) -> dict[str, str]:
    """model -> task of those of `models` with a recorded task."""
    sql = "SELECT model, task FROM model_tasks WHERE list_contains(?, model)"
    return dict(store.fetch_all("model_tasks.of", sql, [list(models)]))


def task_of(recorded: dict[str, str], model: str) -> str:
    return recorded.get(model, DEFAULT_TASK)
