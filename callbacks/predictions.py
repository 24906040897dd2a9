"""Predictions page: the model list, the five live charts and the recent-predictions grid."""

from __future__ import annotations

from datetime import datetime

from dash import Dash, Input, Output, State, no_update

from callbacks.livegraph import figure_outputs, keep_zoom
from callbacks.timerange import window
from dashboard import compare, ids
from dashboard import figures_predictions as figs
from dashboard.alert_shading import add_alert_periods, periods_for
from dashboard.compare import Earlier
from dashboard.pages.predictions import model_options, selected
from dashboard.tables_predictions import grid_note, prediction_rows, tolerance_note
from data.clock import utcnow
from data.queries import alerts as alert_queries
from data.queries import outcome_status
from data.queries import predictions as q
from data.store import Store

GRAPHS = (ids.THROUGHPUT_GRAPH, ids.ERROR_GRAPH, ids.LATENCY_GRAPH, ids.LATENCY_HISTOGRAM_GRAPH, ids.SUCCESS_GRAPH)
GRID_LIMIT = 200


def read_earlier(
    store: Store, since: datetime, until: datetime, model: str | None, compare_key: str | None
) -> tuple[Earlier | None, Earlier | None, Earlier | None]:
    """The throughput series, latency histogram and success series of the same range a day or a week
    earlier, shifted onto the current axis; Nones when comparing is off. Same queries, same resolution."""
    chosen = compare.period(compare_key)
    if chosen is None:
        return None, None, None
    offset, label = chosen
    a, b = compare.earlier_window(since, until, offset)
    throughput, histogram, success = (
        compare.shift(read(store, a, b, model), offset, label)
        for read in (q.throughput_series, q.latency_histogram, q.success_series)
    )
    return throughput, histogram, success


def register(app: Dash, store: Store) -> None:
    keep_zoom(app, *GRAPHS)

    @app.callback(Output(ids.PRED_MODEL, "options"), Input(ids.TICK, "data"), State(ids.PRED_MODEL, "options"))
    def models(_n: int, current: list | None) -> list | object:
        options = model_options(q.known_models(store))
        return no_update if options == current else options

    @app.callback(
        *figure_outputs(*GRAPHS),
        Output(ids.PRED_COMPARE_NOTE, "children"),
        Input(ids.TICK, "data"),
        Input(ids.RANGE, "value"),
        Input(ids.PRED_MODEL, "value"),
        Input(ids.PRED_COMPARE, "value"),
    )
    def charts(_n: int, range_key: str, model: str | None, compare_key: str | None) -> tuple:
        since, until = window(range_key, utcnow())
        model = selected(model)
        revision = f"{range_key}:{model or 'all'}"  # not the compare choice: turning it on keeps the zoom
        series = q.throughput_series(store, since, until, model)
        earlier, earlier_histogram, earlier_success = read_earlier(store, since, until, model, compare_key)
        alerts = alert_queries.periods(store, since, until)  # shaded behind the charts of the metric they watch
        errors = periods_for(alerts, "error_percent")
        return (
            figs.make_throughput_figure(series, q.in_flight_series(store, since, until), revision, earlier),
            add_alert_periods(
                figs.make_error_figure(q.error_series(store, since, until, model), series["ts"].unique(), revision, earlier),
                errors,
            ),
            add_alert_periods(figs.make_latency_figure(series, revision, earlier), periods_for(alerts, "latency_seconds_avg")),
            figs.make_latency_histogram_figure(q.latency_histogram(store, since, until, model), revision, earlier_histogram),
            add_alert_periods(
                figs.make_success_figure(q.success_series(store, since, until, model), revision, earlier_success), errors
            ),
            compare.predictions_changes(series, earlier),
        )

    @app.callback(
        Output(ids.PRED_GRID, "rowData"),
        Output(ids.PRED_GRID_NOTE, "children"),
        Input(ids.TICK, "data"),
        Input(ids.PRED_MODEL, "value"),
        Input(ids.PRED_STATUS, "value"),
    )
    def grid(_n: int, model: str | None, status: str | None) -> tuple:
        model, status = selected(model), selected(status)
        rows = q.recent(store, GRID_LIMIT, model, status, utcnow())
        tolerances = {}  # what success means for the regression models shown
        for name in {r["model"] for r in rows if r["task"] == "regression"}:
            found = outcome_status.tolerance(store, name)
            tolerances[name] = (found.absolute, found.relative)
        return prediction_rows(rows), grid_note(len(rows), GRID_LIMIT, bool(model or status)) + tolerance_note(tolerances)
