"""Model: ROC and precision-recall curves of every model, the confusion matrix, calibration,
quality over time (measured and estimated), estimated vs realized with its band, and feature importance."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard import ids
from dashboard.components import graph_card
from dashboard.pages.predictions import compare_select


def select(component_id: str, label: str) -> dbc.Col:
    """A labelled select whose options the page's callbacks fill in (they depend on the app's settings)."""
    return dbc.Col(
        [
            dbc.Label(label, html_for=component_id, className="small mb-0"),
            dbc.Select(id=component_id, options=[], size="sm", persistence=True, persistence_type="session"),
        ],
        xs=6,
        md=3,
        xl=2,
    )


def layout(**_query: str) -> html.Div:
    return html.Div(
        [
            html.H2("Model", className="mb-3"),
            dbc.Row(
                [
                    select(ids.MODEL_WINDOW, "Evaluation window"),
                    select(ids.MODEL_SELECT, "Model (details)"),
                    compare_select(ids.MODEL_COMPARE),
                ],
                className="g-2 mb-2 align-items-end",
            ),
            html.Div(id=ids.MODEL_SUMMARY, className="text-muted small mb-1"),
            html.Div(id=ids.MODEL_COMPARE_NOTE, className="text-muted small mb-3"),
            dbc.Row([dbc.Col(graph_card(ids.MODEL_ROC_GRAPH), lg=6), dbc.Col(graph_card(ids.MODEL_PR_GRAPH), lg=6)]),
            dbc.Row(
                [dbc.Col(graph_card(ids.MODEL_CONFUSION_GRAPH), lg=6), dbc.Col(graph_card(ids.MODEL_CALIBRATION_GRAPH), lg=6)]
            ),
            dbc.Row([dbc.Col(graph_card(ids.MODEL_QUALITY_GRAPH), lg=12)]),
            dbc.Row([dbc.Col(graph_card(ids.MODEL_ESTIMATE_GRAPH), lg=12)]),
            dbc.Row(
                [
                    dbc.Col(graph_card(ids.MODEL_IMPORTANCE_GRAPH), lg=6),
                    dbc.Col(graph_card(ids.MODEL_IMPORTANCE_TIME_GRAPH), lg=6),
                ]
            ),
        ]
    )
