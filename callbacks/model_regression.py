"""The Model page's charts for a regression model: its figures as cards, predicted vs actual and residuals
over time, in the cards of the classifier's ROC, PR and confusion charts (which have no meaning for it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dashboard import figures_regression as figs
from data.queries import model_tasks
from data.queries import regression as rq
from data.store import Store


def regression_figures(
    store: Store, model: str | None, rows: list[dict[str, Any]], since: datetime, until: datetime, revision: str
) -> tuple[Any, Any, Any] | None:
    """(predicted vs actual, residuals, cards) of a regression model over the range; None for another task."""
    if model is None or model_tasks.task_of(model_tasks.tasks(store), model) != "regression":
        return None
    row = next((r for r in rows if r["model"] == model), None)
    return (
        figs.make_predicted_actual_figure(model, rq.density(store, model, since, until), revision),
        figs.make_residuals_figure(model, rq.residuals(store, model, since, until), revision),
        figs.make_regression_cards(model, row, revision),
    )
