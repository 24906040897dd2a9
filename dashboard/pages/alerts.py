"""Alerts: firing and pending alerts, a timeline of past incidents, the rules in force and a backtest."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard import ids
from dashboard.components import graph_card


def _backtest(rule: str | None) -> dbc.Card:
    controls = dbc.Row(
        [
            dbc.Col(
                [dbc.Label("rule", html_for=ids.BACKTEST_RULE), dbc.Select(id=ids.BACKTEST_RULE, options=[], value=rule)], md=4
            ),
            dbc.Col(
                [
                    dbc.Label("threshold", html_for=ids.BACKTEST_THRESHOLD),
                    dbc.Input(id=ids.BACKTEST_THRESHOLD, type="number", debounce=True),
                ],
                md=3,
            ),
            dbc.Col(
                [
                    dbc.Label("for (e.g. 5m, 90s)", html_for=ids.BACKTEST_FOR),
                    dbc.Input(id=ids.BACKTEST_FOR, type="text", debounce=True),
                ],
                md=3,
            ),
        ],
        className="mb-2",
    )
    return dbc.Card(
        [
            dbc.CardHeader("Backtest: how often would a rule have fired over the selected range?"),
            dbc.CardBody([controls, html.Div(id=ids.BACKTEST_SUMMARY), graph_card(ids.BACKTEST_GRAPH)]),
        ],
        className="mb-3",
    )


def layout(rule: str | None = None, **_query: str) -> html.Div:
    """`?rule=ID` (the Overview's links to a firing alert) chooses that rule for the backtest."""
    return html.Div(
        [
            html.H2("Alerts", className="mb-3"),
            dbc.Card([dbc.CardHeader("Firing and pending"), dbc.CardBody(html.Div(id=ids.ALERTS_ACTIVE))], className="mb-3"),
            graph_card(ids.ALERTS_TIMELINE_GRAPH),
            dbc.Card([dbc.CardHeader("Rules in force"), dbc.CardBody(html.Div(id=ids.ALERTS_RULES))], className="mb-3"),
            _backtest(rule),
        ]
    )
