"""Overview: overall status, resource KPIs, component health."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids


def layout(**_query: str) -> html.Div:
    return html.Div(
        [
            html.Div(
                [html.H2("Overview", className="me-3 mb-0"), html.Div(id=ids.OVERALL_STATUS)],
                className="d-flex align-items-center mb-3",
            ),
            dbc.Row(id=ids.KPI_CARDS, className="g-3 mb-3"),
            dbc.Card(
                [dbc.CardHeader(dcc.Link("Firing alerts", href="/alerts")), dbc.CardBody(html.Div(id=ids.OVERVIEW_ALERTS))],
                className="mb-3",
            ),
            dbc.Card([dbc.CardHeader("Component health"), dbc.CardBody(html.Div(id=ids.COMPONENTS))]),
        ]
    )
