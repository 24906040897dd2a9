"""Drift: PSI of every feature over time, one feature's reference vs current distribution, the
features ranked by impact with their verdicts, the score's drift and the multivariate drift."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard import ids
from dashboard.components import graph_card
from dashboard.pages.model import select


def layout(**_query: str) -> html.Div:
    return html.Div(
        [
            html.H2("Drift", className="mb-3"),
            dbc.Row(
                [
                    select(ids.DRIFT_MODEL, "Model"),
                    select(ids.DRIFT_WINDOW, "Window"),
                    select(ids.DRIFT_FEATURE, "Feature (distribution)"),
                ],
                className="g-2 mb-3 align-items-end",
            ),
            dbc.Row(
                [dbc.Col(graph_card(ids.DRIFT_HEATMAP_GRAPH), lg=7), dbc.Col(graph_card(ids.DRIFT_DISTRIBUTION_GRAPH), lg=5)]
            ),
            dbc.Card(
                [dbc.CardHeader("Features by impact (drift weighted by importance)"), dbc.CardBody(html.Div(id=ids.DRIFT_TABLE))],
                className="mb-3",
            ),
            dbc.Row([dbc.Col(graph_card(ids.DRIFT_SCORE_GRAPH), lg=12)]),
            dbc.Row([dbc.Col(graph_card(ids.DRIFT_MULTIVARIATE_GRAPH), lg=12)]),
        ]
    )
