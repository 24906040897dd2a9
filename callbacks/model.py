"""Model page: the window and model selects, the seven charts and the summary line."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dash import Dash, Input, Output, State, no_update

from answers.multiclass import stored_quality
from answers.results import named, quality_from_row
from callbacks.livegraph import figure_outputs, keep_zoom
from callbacks.model_regression import regression_figures
from callbacks.timerange import window
from dashboard import compare, ids
from dashboard import figures_estimated as est_figs
from dashboard import figures_model as figs
from dashboard import figures_multiclass as mc_figs
from dashboard.alert_shading import add_alert_periods, periods_for
from dashboard.compare import Earlier
from dashboard.pages.model_text import summary_text
from data.clock import utcnow
from data.queries import alerts as alert_queries
from data.queries import calibration, model_tasks
from data.queries import model_views as mv
from data.store import Store

GRAPHS = (
    ids.MODEL_ROC_GRAPH,
    ids.MODEL_PR_GRAPH,
    ids.MODEL_CONFUSION_GRAPH,
    ids.MODEL_CALIBRATION_GRAPH,
    ids.MODEL_QUALITY_GRAPH,
    ids.MODEL_IMPORTANCE_GRAPH,
    ids.MODEL_IMPORTANCE_TIME_GRAPH,
)


def choose(value: str | None, allowed: list[str]) -> str | None:
    """The user's choice while it is still offered, else the first option."""
    return value if value in allowed else (allowed[0] if allowed else None)


def options(values: list[str], labels: dict[str, str] | None = None) -> list[dict[str, str]]:
    return [{"label": (labels or {}).get(v, v), "value": v} for v in values]


def earlier_quality(
    store: Store, model: str | None, seconds: int, since: datetime, until: datetime, compare_key: str | None
) -> Earlier | None:
    """The quality series of the same range a day or a week earlier, shifted onto the current axis."""
    chosen = compare.period(compare_key)
    if chosen is None:
        return None
    offset, label = chosen
    return compare.shift(mv.quality_series(store, model, seconds, *compare.earlier_window(since, until, offset)), offset, label)


def multiclass_figures(store: Store, model: str | None, rows: list[dict[str, Any]], revision: str) -> tuple[Any, Any] | None:
    """A multiclass model's confusion heatmap and F1 per class (in the confusion and calibration cards: a
    binary threshold's matrix and calibration have no meaning for it); None for a model of another task."""
    if model is None or model_tasks.tasks_of(store, [model]).get(model) != "multiclass":
        return None
    row = next((r for r in rows if r["model"] == model), None)
    result = stored_quality(store, row) if row is not None else None
    cells = result.confusion if result else ()
    classes = [(c.name, c.f1, c.support) for c in result.classes] if result else []
    confusion = mc_figs.make_multiclass_confusion_figure(model, cells, revision)
    return confusion, mc_figs.make_class_f1_figure(model, classes, revision)


def register(app: Dash, store: Store, windows: dict[str, int], min_samples: int) -> None:
    """The page's callbacks over the store; `windows` the evaluation windows (label -> seconds)."""
    keep_zoom(app, *GRAPHS, ids.MODEL_ESTIMATE_GRAPH)
    _selects(app, store, windows)
    _charts(app, store, windows, min_samples)
    _estimate(app, store, windows)


def _selects(app: Dash, store: Store, windows: dict[str, int]) -> None:
    @app.callback(
        Output(ids.MODEL_WINDOW, "options"),
        Output(ids.MODEL_WINDOW, "value"),
        Output(ids.MODEL_SELECT, "options"),
        Output(ids.MODEL_SELECT, "value"),
        Input(ids.TICK, "data"),
        State(ids.MODEL_WINDOW, "value"),
        State(ids.MODEL_SELECT, "value"),
        State(ids.MODEL_SELECT, "options"),
    )
    def selects(_n: int, current_window: str | None, model: str | None, model_options: list | None) -> tuple:
        models = mv.evaluated_models(store)
        recorded = model_tasks.tasks(store)
        new_options = options(models, {m: f"{m} ({model_tasks.task_of(recorded, m)})" for m in models})
        return (
            options(list(windows)),
            choose(current_window, list(windows)),
            no_update if new_options == model_options else new_options,
            choose(model, models),
        )


def _charts(app: Dash, store: Store, windows: dict[str, int], min_samples: int) -> None:
    @app.callback(
        *figure_outputs(*GRAPHS),
        Output(ids.MODEL_SUMMARY, "children"),
        Output(ids.MODEL_COMPARE_NOTE, "children"),
        Input(ids.TICK, "data"),
        Input(ids.RANGE, "value"),
        Input(ids.MODEL_WINDOW, "value"),
        Input(ids.MODEL_SELECT, "value"),
        Input(ids.MODEL_COMPARE, "value"),
    )
    def charts(_n: int, range_key: str, window_label: str | None, model: str | None, compare_key: str | None) -> tuple:
        seconds = windows.get(window_label or "", next(iter(windows.values())))
        since, until = window(range_key, utcnow())
        if model is None:  # the first render comes before the select's value: draw the model it will choose,
            model = choose(None, mv.evaluated_models(store))  # not every model's points as one zigzag line
        revision = f"{range_key}:{window_label}:{model}"
        with store.snapshot():  # the figures side by side from one state of the store
            rows = mv.latest_evaluations(store, None, seconds)
            evaluations = [quality_from_row(r) for r in rows]
            curves = mv.latest_curves(store, None, seconds)
            by_class = multiclass_figures(store, model, rows, revision)
            by_task = regression_figures(store, model, rows, since, until, revision)
        found = next((e for e in evaluations if e.model == model), None)
        chosen = named(found) if found else None  # the page's builders read figures by name
        quality = mv.quality_series(store, model, seconds, since, until)
        earlier = earlier_quality(store, model, seconds, since, until, compare_key)
        return (
            by_task[0]
            if by_task
            else figs.make_roc_figure(
                curves, {e.model: e.auc for e in evaluations}, revision, {e.model: e.auc_se for e in evaluations}
            ),
            by_task[1] if by_task else figs.make_pr_figure(curves, {e.model: e.average_precision for e in evaluations}, revision),
            by_task[2] if by_task else by_class[0] if by_class else figs.make_confusion_figure(chosen, revision),
            by_class[1] if by_class else figs.make_calibration_figure(curves, revision),
            add_alert_periods(
                figs.make_quality_figure(quality, model, revision, earlier),
                periods_for(alert_queries.periods(store, since, until), "accuracy_drop_points"),
            ),
            figs.make_importance_figure(mv.latest_importance(store, model or ""), model, revision),
            figs.make_importance_time_figure(mv.importance_series(store, model or "", since, until), revision),
            summary_text(chosen, min_samples),
            compare.quality_changes(quality, earlier),
        )


def _estimate(app: Dash, store: Store, windows: dict[str, int]) -> None:
    """Estimated vs realized, with the estimator's band and its alert periods shaded."""

    @app.callback(
        figure_outputs(ids.MODEL_ESTIMATE_GRAPH),  # a list: Dash's multi-output form, as the page's other callbacks
        Input(ids.TICK, "data"),
        Input(ids.RANGE, "value"),
        Input(ids.MODEL_WINDOW, "value"),
        Input(ids.MODEL_SELECT, "value"),
    )
    def estimate(_n: int, range_key: str, window_label: str | None, model: str | None) -> list[Any]:
        seconds = windows.get(window_label or "", next(iter(windows.values())))
        since, until = window(range_key, utcnow())
        series = calibration.estimate_series(store, model or "", seconds, since, until)
        figure = est_figs.make_estimate_figure(series, model, f"{range_key}:{window_label}:{model}")
        return [add_alert_periods(figure, periods_for(alert_queries.periods(store, since, until), "estimator_error"))]
