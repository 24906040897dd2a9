"""Database: the store's query latency, connections, table sizes and scan efficiency; each watched
PostgreSQL; and the data-quality checks."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard import ids
from dashboard.components import graph_card


def _card(title: str, component_id: str) -> dbc.Card:
    return dbc.Card([dbc.CardHeader(title), dbc.CardBody(html.Div(id=component_id))], className="mb-3")


def layout(**_query: str) -> html.Div:
    return html.Div(
        [
            html.H2("Database", className="mb-3"),
            _card("Data quality", ids.DB_QUALITY),
            dbc.Row([dbc.Col(graph_card(ids.DB_QUERY_GRAPH), lg=6), dbc.Col(graph_card(ids.DB_CONNECTIONS_GRAPH), lg=6)]),
            dbc.Row([dbc.Col(_card("Slowest queries", ids.DB_SLOW_TABLE), lg=6), dbc.Col(graph_card(ids.DB_SCAN_GRAPH), lg=6)]),
            dbc.Row([dbc.Col(graph_card(ids.DB_TABLE_SIZE_GRAPH), lg=6), dbc.Col(_card("Tables", ids.DB_TABLES), lg=6)]),
            _card("Indexes and keys", ids.DB_INDEXES),
            html.H3("PostgreSQL", className="mt-2 mb-3"),
            dbc.Row([dbc.Col(graph_card(ids.DB_PG_CONNECTIONS_GRAPH), lg=6), dbc.Col(graph_card(ids.DB_PG_CACHE_GRAPH), lg=6)]),
            html.Div(id=ids.DB_PG_TARGETS),
        ]
    )
