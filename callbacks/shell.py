"""Callbacks of the shell: the refresh gate and the 'updated' stamp in the navbar."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State

from dashboard import ids
from data.clock import utcnow


def register(app: Dash) -> None:
    # Each interval tick becomes a refresh only when the tab has no callback request in flight, so a
    # callback slower than the interval still paints and never stacks requests (assets/refresh-gate.js).
    app.clientside_callback(
        ClientsideFunction(namespace="predwatchGate", function_name="tick"),
        Output(ids.TICK, "data"),
        Input(ids.INTERVAL, "n_intervals"),
        State(ids.TICK, "data"),
    )

    @app.callback(Output(ids.LAST_UPDATED, "children"), Input(ids.TICK, "data"))
    def last_updated(_tick: int) -> str:
        return f"updated {utcnow():%H:%M:%S} UTC"
