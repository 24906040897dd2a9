"""Demo controls on the Predictions page: switches that show and set the built-in workload's
DemoControls (input drift, concept drift, load spike, error burst)."""

from __future__ import annotations

import logging

from dash import Dash, Input, Output, ctx, no_update

from callbacks.write_rule import may_write
from dashboard import ids
from dashboard.pages.predictions import demo_panel
from predictor.demo import DemoControls
from settings import Settings

log = logging.getLogger(__name__)


def changes(selected: list[str] | None, state: dict[str, bool]) -> dict[str, bool]:
    """The switches whose selected position differs from the controls' state."""
    chosen = set(selected or ())
    return {name: name in chosen for name, on in state.items() if (name in chosen) != on}


def register(app: Dash, controls: DemoControls | None, settings: Settings) -> None:
    @app.callback(Output(ids.DEMO_PANEL, "children"), Input(ids.DEMO_PANEL, "id"))
    def panel(_id: str) -> object:
        return demo_panel(None if controls is None else controls.state())

    if controls is None:
        return

    @app.callback(
        Output(ids.DEMO_SWITCHES, "value"), Input(ids.DEMO_SWITCHES, "value"), Input(ids.TICK, "data"), prevent_initial_call=True
    )
    def switches(selected: list[str] | None, _n: int) -> list[str] | object:
        """A click sets the switches that changed; a refresh shows switches set elsewhere
        (the API, a --demo-*-after schedule). Only differences are set, so a pending schedule
        of an untouched switch stays pending."""
        if ctx.triggered_id == ids.DEMO_SWITCHES:
            if may_write(settings):
                controls.set(changes(selected, controls.state()))
            else:  # the API's write rule (callbacks/write_rule.py): the switches snap back
                log.warning("demo switches not changed: --api-token is set and the request did not carry it")
        on = [name for name, value in controls.state().items() if value]
        return no_update if set(on) == set(selected or ()) else on
