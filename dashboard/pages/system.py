"""System: CPU, memory, disk, disk I/O and network over time, and process health."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard import ids
from dashboard.components import graph_card
from dashboard.fleet import fleet_panel


def layout(**_query: str) -> html.Div:
    return html.Div(
        [
            html.H2("System", className="mb-3"),
            dbc.Row([dbc.Col(graph_card(ids.CPU_GRAPH), lg=6), dbc.Col(graph_card(ids.MEMORY_GRAPH), lg=6)]),
            dbc.Row([dbc.Col(graph_card(ids.DISK_IO_GRAPH), lg=6), dbc.Col(graph_card(ids.NETWORK_GRAPH), lg=6)]),
            dbc.Row(
                [
                    dbc.Col(graph_card(ids.DISK_GRAPH), lg=6),
                    dbc.Col(
                        dbc.Card([dbc.CardHeader("Filesystems"), dbc.CardBody(html.Div(id=ids.DISK_TABLE))], className="mb-3"),
                        lg=6,
                    ),
                ]
            ),
            fleet_panel(ids.FLEET_SYSTEM, "Fleet: every instance Prometheus scrapes"),
            dbc.Card([dbc.CardHeader("Process health"), dbc.CardBody(html.Div(id=ids.PROCESS_TABLE))], className="mb-3"),
        ]
    )
