"""Predictions: throughput, latency, errors and success rate over time, the newest predictions,
and (in demo mode) the built-in workload's switches."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard import compare, ids
from dashboard.components import graph_card
from dashboard.fleet import fleet_panel
from dashboard.tables_predictions import STATUSES, prediction_grid

ALL = "__all__"  # the selects' value for "no filter" (dbc.Select keeps "" for its placeholder)
# The demo's switches (predictor.demo.SWITCHES) and their labels.
DEMO_SWITCHES = {
    "input_drift": "Input drift",
    "concept_drift": "Concept drift",
    "load_spike": "Load spike",
    "error_burst": "Error burst",
}


def selected(value: str | None) -> str | None:
    """A select's value as a filter: None for "all"."""
    return None if value in (None, "", ALL) else value


def model_options(models: list[str]) -> list[dict[str, str]]:
    return [{"label": "All models", "value": ALL}] + [{"label": m, "value": m} for m in models]


def _filters() -> dbc.Row:
    model = dbc.Select(
        id=ids.PRED_MODEL, value=ALL, options=model_options([]), size="sm", persistence=True, persistence_type="session"
    )
    status = dbc.Select(
        id=ids.PRED_STATUS,
        value=ALL,
        size="sm",
        persistence=True,
        persistence_type="session",
        options=[{"label": "All statuses", "value": ALL}] + [{"label": s, "value": s} for s in STATUSES],
    )
    return dbc.Row(
        [
            dbc.Col([dbc.Label("Model", html_for=ids.PRED_MODEL, className="small mb-0"), model], xs=6, md=3, xl=2),
            dbc.Col([dbc.Label("Status (grid)", html_for=ids.PRED_STATUS, className="small mb-0"), status], xs=6, md=3, xl=2),
            compare_select(ids.PRED_COMPARE),
        ],
        className="g-2 mb-3 align-items-end",
    )


def compare_select(component_id: str) -> dbc.Col:
    """Overlay the same range a day or a week earlier on the page's time charts (dashboard/compare.py)."""
    select = dbc.Select(
        id=component_id, value=compare.OFF, options=compare.OPTIONS, size="sm", persistence=True, persistence_type="session"
    )
    return dbc.Col([dbc.Label("Compare with", html_for=component_id, className="small mb-0"), select], xs=6, md=3, xl=2)


def demo_panel(state: dict[str, bool] | None) -> dbc.Card | html.Div:
    """The workload's switches set to `state`, or a note when the built-in workload is off."""
    if state is None:
        return html.Div(
            "Demo controls appear when Predwatch runs its built-in workload (it was started with --no-demo).",
            className="text-muted fst-italic empty-state mb-3",
        )
    switches = dbc.Checklist(
        id=ids.DEMO_SWITCHES,
        switch=True,
        inline=True,
        options=[{"label": label, "value": name} for name, label in DEMO_SWITCHES.items()],
        value=[name for name in DEMO_SWITCHES if state.get(name)],
    )
    return dbc.Card(
        [
            dbc.CardHeader("Demo controls"),
            dbc.CardBody([switches, html.Small("These change the built-in workload's traffic at once.", className="text-muted")]),
        ],
        className="mb-3",
    )


def layout(**_query: str) -> html.Div:
    return html.Div(
        [
            html.H2("Predictions", className="mb-3"),
            _filters(),
            html.Div(id=ids.PRED_COMPARE_NOTE, className="text-muted small mb-2"),
            html.Div(id=ids.DEMO_PANEL),
            dbc.Row([dbc.Col(graph_card(ids.THROUGHPUT_GRAPH), lg=6), dbc.Col(graph_card(ids.ERROR_GRAPH), lg=6)]),
            dbc.Row([dbc.Col(graph_card(ids.LATENCY_GRAPH), lg=6), dbc.Col(graph_card(ids.LATENCY_HISTOGRAM_GRAPH), lg=6)]),
            dbc.Row([dbc.Col(graph_card(ids.SUCCESS_GRAPH), lg=6)]),
            fleet_panel(ids.FLEET_PREDICTIONS, "Fleet: requests, errors and latency of every instance"),
            dbc.Card(
                [
                    dbc.CardHeader("Recent predictions"),
                    dbc.CardBody(
                        [html.Div(id=ids.PRED_GRID_NOTE, className="text-muted small mb-2"), prediction_grid(ids.PRED_GRID)]
                    ),
                ],
                className="mb-3",
            ),
        ]
    )
