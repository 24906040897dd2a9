"""The shell every page sits in: navbar, shared time range, refresh interval."""
from __future__ import annotations

from collections.abc import Sequence

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.theme import DEFAULT_RANGE, RANGES


def navbar(pages: Sequence[tuple[str, str]]) -> dbc.Navbar:
    links = [dbc.NavItem(dbc.NavLink(name, href=href, active="exact")) for name, href in pages]
    range_select = dbc.Select(
        id=ids.RANGE, value=DEFAULT_RANGE, size="sm", persistence=True, persistence_type="session",
        options=[{"label": label, "value": key} for key, (label, _) in RANGES.items()],
        className="range-select",
    )
    return dbc.Navbar(
        dbc.Container([
            dbc.NavbarBrand("Predwatch", href="/"),
            dbc.Nav(links, navbar=True, className="me-auto"),
            html.Span(id=ids.ALERT_BADGE, className="me-3"),  # filled by callbacks/alerts.py
            html.Small(id=ids.LAST_UPDATED, className="text-light me-3"),
            range_select,
        ], fluid=True),
        id=ids.NAVBAR, color="dark", dark=True, className="mb-3",
    )


def shell(pages: Sequence[tuple[str, str]], refresh_seconds: float) -> html.Div:
    return html.Div([
        navbar(pages),
        dcc.Interval(id=ids.INTERVAL, interval=int(refresh_seconds * 1000), n_intervals=0),
        dbc.Container(dash.page_container, fluid=True),
    ])
