"""Freezes each regression and multiclass model's reference figures once it has enough labelled rows
(data/queries/task_reference.py): the evaluation pass calls `ensure`; a read never writes."""

from __future__ import annotations

from datetime import datetime

from answers import multiclass as am
from data.queries import model_tasks
from data.queries import task_reference as tr
from data.store import Store


class TaskReferences:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._done: set[str] = set()  # models with a frozen reference, or of a task that has none

    def ensure(self, model: str, now: datetime) -> tr.TaskReference | None:
        """The model's reference figures, frozen now if it has just reached enough labelled rows."""
        if model in self._done:
            return None
        task = model_tasks.task_of(model_tasks.tasks_of(self.store, [model]), model)
        found = tr.stored(self.store, model) if task != "binary" else None
        if found is None and task != "binary":
            found = _figures(self.store, model, task, now)
            if found is not None:
                tr.save(self.store, found, now)
        if task == "binary" or found is not None:
            self._done.add(model)
        return found


def _figures(store: Store, model: str, task: str, now: datetime) -> tr.TaskReference | None:
    if task == "regression":
        return tr.regression_figures(store, model)
    counts = tr.multiclass_counts(store, model)
    if not counts:
        return None
    # the same figures as a window's: scikit-learn's macro F1 over the classes the rows hold
    quality = am.quality(model, now, 0, [(t, p, n, 0, 0.0) for t, p, n in counts], {}, 1)
    return tr.TaskReference(model, "multiclass", sum(n for _, _, n in counts), macro_f1=quality.f1)
