"""Fleet panels of the System and Predictions pages, read through Prometheus (--prometheus-url).

Without a Prometheus URL nothing is registered and the panels stay hidden; with one, each refresh
asks Prometheus for the panel's range queries and shows its failure in place. The `prometheus` component
of the status board is kept by its own collector (collectors/prometheus.py), not by these panels."""

from __future__ import annotations

from dash import Dash, Input, Output, State, no_update

from callbacks.livegraph import figure_outputs, keep_zoom
from callbacks.timerange import window
from dashboard import fleet as panels
from dashboard import ids
from dashboard.figures_fleet import make_fleet_figure
from data.clock import utcnow
from external.fleet import Fleet


def register(app: Dash, fleet: Fleet | None) -> None:
    """The panels' callbacks, reading through `fleet`; none without a Prometheus (no --prometheus-url)."""
    if fleet is None:
        return
    for panel_id in panels.CHARTS:
        _register_panel(app, fleet, panel_id)


def _register_panel(app: Dash, fleet: Fleet, panel_id: str) -> None:
    graphs = panels.graph_ids(panel_id)
    select = ids.fleet_part(panel_id, "instance")
    keep_zoom(app, *graphs)

    @app.callback(
        Output(panel_id, "style"),
        Output(select, "options"),
        Output(ids.fleet_part(panel_id, "error"), "children"),
        *figure_outputs(*graphs),
        Input(ids.TICK, "data"),
        Input(ids.RANGE, "value"),
        Input(select, "value"),
        State(select, "options"),
    )
    def refresh(_n: int, range_key: str, instance: str | None, current: list | None) -> tuple:
        since, until = window(range_key, utcnow())
        chosen = None if instance in (None, "", panels.ALL_INSTANCES) else instance
        view = fleet.panel(panels.PANEL_NAMES[panel_id], since, until, chosen)
        options = panels.instance_options(view.instances, view.down) if not view.error else no_update
        revision = f"{range_key}:{chosen or 'all'}"
        empty = f"Prometheus unreachable: {view.error}" if view.error else "No instance reported these metrics yet"
        figures = [make_fleet_figure(view.frame, c.title, c.metrics, c.yaxis, revision, empty) for c in panels.CHARTS[panel_id]]
        return (panels.SHOWN, no_update if options == current else options, panels.fleet_error(view.error, view.down), *figures)
