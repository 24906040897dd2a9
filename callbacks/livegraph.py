"""Live graphs: server callbacks write figures to a store next to each graph, and a clientside
function (assets/keep-zoom.js) moves them into the graph without losing the user's zoom."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State

from dashboard.ids import figure_store


def keep_zoom(app: Dash, *graph_ids: str) -> None:
    for graph_id in graph_ids:
        app.clientside_callback(
            ClientsideFunction(namespace="predwatch", function_name="keepZoom"),
            Output(graph_id, "figure"),
            Input(figure_store(graph_id), "data"),
            State(graph_id, "figure"),
        )


def figure_outputs(*graph_ids: str) -> list[Output]:
    return [Output(figure_store(graph_id), "data") for graph_id in graph_ids]
