"""History exploration: the range in the URL, the absolute from-to picker, zoom narrowing the range of every
chart on the page, and the live toggle. All of it sets ids.RANGE, which every page's charts already read."""

from __future__ import annotations

from dash import MATCH, ClientsideFunction, Dash, Input, Output, State, no_update

from dashboard import ids
from dashboard.timekeys import absolute_key, live_from_query, parse_time, picked_range, range_options, value_from_query

# Time-series graphs whose zoom narrows the range (box zoom on the time axis).
ZOOMABLE = (
    ids.CPU_GRAPH,
    ids.MEMORY_GRAPH,
    ids.DISK_IO_GRAPH,
    ids.NETWORK_GRAPH,
    ids.DISK_GRAPH,
    ids.THROUGHPUT_GRAPH,
    ids.ERROR_GRAPH,
    ids.LATENCY_GRAPH,
    ids.SUCCESS_GRAPH,
    ids.MODEL_QUALITY_GRAPH,
    ids.MODEL_ESTIMATE_GRAPH,
    ids.DB_QUERY_GRAPH,
    ids.DB_CONNECTIONS_GRAPH,
    ids.DB_TABLE_SIZE_GRAPH,
)


def zoomed_range(relayout: dict | None) -> str | None:
    """The absolute range a box zoom on the time axis selected, or None (autoscale, y-only zoom, no change)."""
    relayout = relayout or {}
    lo, hi = relayout.get("xaxis.range[0]"), relayout.get("xaxis.range[1]")
    if lo is None and isinstance(relayout.get("xaxis.range"), list) and len(relayout["xaxis.range"]) == 2:
        lo, hi = relayout["xaxis.range"]
    since, until = parse_time(lo), parse_time(hi)
    return absolute_key(since, until) if since and until and since < until else None


def _zoom(app: Dash) -> None:
    # Each graph's time-axis zooms (and only those) go to one store, in the browser: plotly also reports
    # resizes and redraws as relayout events, and sent to the server each would supersede (and Dash drop)
    # the answer to a zoom made just before.
    for graph_id in ZOOMABLE:
        app.clientside_callback(
            ClientsideFunction(namespace="predwatchHistory", function_name="zoomRequest"),
            Output(ids.ZOOM_REQUEST, "data", allow_duplicate=True),
            Input(graph_id, "relayoutData"),
            prevent_initial_call=True,
        )

    @app.callback(
        Output(ids.RANGE, "value", allow_duplicate=True),
        Output(ids.RANGE, "options", allow_duplicate=True),
        Input(ids.ZOOM_REQUEST, "data"),
        prevent_initial_call=True,
    )
    def narrow(request: dict | None) -> tuple:
        value = zoomed_range(request)
        return (value, range_options(value)) if value else (no_update, no_update)


def register(app: Dash) -> None:
    @app.callback(Output(ids.HISTORY_RESTORE, "data"), Input(ids.HISTORY_URL, "search"), State(ids.RANGE, "value"))
    def restore(search: str | None, current: str | None) -> dict:
        """What a shared or reloaded URL restores: its range and live toggle (None: the URL names none)."""
        value = value_from_query(search)
        return {
            "search": search or "",
            "value": value,
            "options": range_options(value or current),
            "live": live_from_query(search) if value else None,
        }

    # The answer applies only while the address is still the one it was computed for: a late answer must
    # not undo a zoom or a pick made meanwhile (both rewrite the address at once, assets/history.js).
    app.clientside_callback(
        ClientsideFunction(namespace="predwatchHistory", function_name="applyRestore"),
        Output(ids.RANGE, "value"),
        Output(ids.RANGE, "options"),
        Output(ids.LIVE_TOGGLE, "value"),
        Input(ids.HISTORY_RESTORE, "data"),
    )

    @app.callback(
        Output(ids.RANGE, "value", allow_duplicate=True),
        Output(ids.RANGE, "options", allow_duplicate=True),
        Output(ids.RANGE_MESSAGE, "children"),
        Input(ids.RANGE_APPLY, "n_clicks"),
        State(ids.RANGE_FROM, "value"),
        State(ids.RANGE_TO, "value"),
        prevent_initial_call=True,
    )
    def pick(_clicks: int | None, since: str | None, until: str | None) -> tuple:
        value, problem = picked_range(since, until)
        if value is None:
            return no_update, no_update, problem
        return value, range_options(value), ""

    @app.callback(Output(ids.INTERVAL, "disabled"), Input(ids.LIVE_TOGGLE, "value"))
    def live(on: bool | None) -> bool:
        return not on

    _zoom(app)
    _browser_side(app)


def _browser_side(app: Dash) -> None:
    """Callbacks the browser runs alone (assets/history.js): a chart's CSV and the address bar."""
    # Any chart card's CSV button: the browser writes the chart's traces (trace, x, y) to a file.
    app.clientside_callback(
        ClientsideFunction(namespace="predwatchHistory", function_name="chartCsv"),
        Output(ids.chart_csv_download(MATCH), "data"),
        Input(ids.chart_csv(MATCH), "n_clicks"),
        State(ids.chart_csv(MATCH), "id"),
        prevent_initial_call=True,
    )

    # The URL follows the range without a navigation (history.replaceState in assets/history.js).
    app.clientside_callback(
        ClientsideFunction(namespace="predwatchHistory", function_name="syncUrl"),
        Output(ids.HISTORY_URL_SYNC, "data"),
        Input(ids.RANGE, "value"),
        Input(ids.LIVE_TOGGLE, "value"),
        Input(ids.HISTORY_URL, "pathname"),
        prevent_initial_call=True,
    )
