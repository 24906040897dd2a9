"""Callbacks of the shell: the 'updated' stamp in the navbar."""
from __future__ import annotations

from dash import Dash, Input, Output

from dashboard import ids
from data.clock import utcnow
from data.runtime import Runtime


def register(app: Dash, runtime: Runtime) -> None:
    @app.callback(Output(ids.LAST_UPDATED, "children"), Input(ids.INTERVAL, "n_intervals"))
    def last_updated(_n: int) -> str:
        return f"updated {utcnow():%H:%M:%S} UTC"
