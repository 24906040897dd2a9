"""The shell every page sits in: navbar, shared time range, refresh interval."""

from __future__ import annotations

from collections.abc import Sequence

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.theme import DEFAULT_RANGE, RANGES


def history_controls() -> html.Div:
    """An absolute from-to window (UTC) and the live toggle that pauses refresh while exploring."""
    # datetime-local: the browser's own date-time picker and format. Labelled for
    # the eye (from/to, UTC) since such inputs show no placeholder; a refused pick says why (RANGE_MESSAGE).
    # dash's Input type lists fewer types than browsers take; datetime-local renders as <input> all the same.
    picker = [
        dcc.Input(
            id=i,
            type="datetime-local",  # type: ignore[arg-type]
            className="form-control form-control-sm range-time",
            debounce=True,
        )
        for i in (ids.RANGE_FROM, ids.RANGE_TO)
    ]
    return html.Div(
        [
            html.Small("from", className="text-light me-1"),
            picker[0],
            html.Small("to", className="text-light mx-1"),
            picker[1],
            html.Small("UTC", className="text-light ms-1"),
            dbc.Button("Go", id=ids.RANGE_APPLY, size="sm", color="secondary", className="ms-1"),
            html.Small(id=ids.RANGE_MESSAGE, className="text-warning ms-2 range-message", role="status"),
            dbc.Switch(id=ids.LIVE_TOGGLE, label="live", value=True, className="text-light ms-3 mb-0"),
        ],
        className="d-flex align-items-center ms-2",
    )


def navbar(pages: Sequence[tuple[str, str]]) -> dbc.Navbar:
    links = [dbc.NavItem(dbc.NavLink(name, href=href, active="exact")) for name, href in pages]
    range_select = dbc.Select(
        id=ids.RANGE,
        value=DEFAULT_RANGE,
        size="sm",
        persistence=True,
        persistence_type="session",
        options=[{"label": label, "value": key} for key, (label, _) in RANGES.items()],
        className="range-select",
    )
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("Predwatch", href="/"),
                dbc.Nav(links, navbar=True, className="me-auto"),
                html.Span(id=ids.ALERT_BADGE, className="me-3"),  # filled by callbacks/alerts.py
                html.Small(id=ids.LAST_UPDATED, className="text-light me-3"),
                range_select,
                history_controls(),
            ],
            fluid=True,
        ),
        id=ids.NAVBAR,
        color="dark",
        dark=True,
        className="mb-3",
    )


def shell(pages: Sequence[tuple[str, str]], refresh_seconds: float) -> html.Div:
    return html.Div(
        [
            navbar(pages),
            dcc.Interval(id=ids.INTERVAL, interval=int(refresh_seconds * 1000), n_intervals=0),
            dcc.Store(id=ids.TICK, data=0),  # what server callbacks refresh on (callbacks/shell.py)
            dcc.Location(id=ids.HISTORY_URL, refresh=False),  # the range lives in the query string
            dcc.Store(id=ids.HISTORY_URL_SYNC),
            dcc.Store(id=ids.HISTORY_RESTORE),
            dcc.Store(id=ids.ZOOM_REQUEST),
            dbc.Container(dash.page_container, fluid=True),
        ]
    )
