"""Reusable pieces of layout: cards, badges, tables."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from dashboard.fast_figure import LOADING_FIGURE
from dashboard.ids import chart_csv, chart_csv_download, figure_store
from dashboard.theme import GRAPH_CONFIG, STATUS_COLORS


def status_badge(status: str, text: str | None = None) -> dbc.Badge:
    return dbc.Badge((text or status).upper(), color=STATUS_COLORS.get(status, "secondary"), className="status-badge", pill=True)


def kpi_card(title: str, value: str, status: str, detail: str = "", trend: html.Div | None = None) -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [html.Span(title, className="kpi-title"), status_badge(status)],
                    className="d-flex justify-content-between align-items-center",
                ),
                html.Div(value, className="kpi-value"),
                html.Small(detail, className="text-muted"),
                *([trend] if trend is not None else []),  # dashboard/sparkline.py: the range's trend
            ]
        ),
        className=f"kpi-card border-{STATUS_COLORS.get(status, 'secondary')}",
    )


def graph_card(graph_id: str) -> dbc.Card:
    """A live graph: callbacks write the figure to its store; the browser moves it into the graph.
    Until the first answer it says it is loading (no bare axes)."""
    csv = html.Div(
        [
            dbc.Button(
                "CSV",
                id=chart_csv(graph_id),
                size="sm",
                color="link",
                className="p-0 small",
                title="download the data behind this chart",
            ),
            dcc.Download(id=chart_csv_download(graph_id)),
        ],
        className="text-end",
    )
    graph = dcc.Graph(id=graph_id, config=GRAPH_CONFIG, figure=LOADING_FIGURE)
    return dbc.Card(dbc.CardBody([dcc.Store(id=figure_store(graph_id)), graph, csv]), className="mb-3")


# What a table cell shows: text, a number, a component (a badge, a link) or nothing.
Cell = str | int | float | Component | None


def simple_table(header: Sequence[str], rows: Sequence[Sequence[Cell]], empty: str) -> html.Div:
    """A striped table, or a muted line saying why it is empty."""
    if not rows:
        return html.Div(empty, className="text-muted fst-italic empty-state")
    return dbc.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in header])),
            html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in rows]),
        ],
        striped=True,
        bordered=False,
        hover=True,
        size="sm",
        className="mb-0",
    )
