"""Dash callbacks, one module per page. Each exposes `register(app, runtime)`: callbacks attach
to the app the factory is building, never to Dash's global list (see DESIGN.md section 11)."""
from __future__ import annotations

from dash import Dash

from callbacks import alerts, database, guard, history, overview, shell, system
from callbacks import demo as demo_callbacks
from callbacks import drift as drift_callbacks
from callbacks import fleet as fleet_callbacks
from callbacks import model as model_callbacks
from callbacks import predictions as prediction_callbacks
from predictor.demo import DemoControls
from runtime.runtime import Runtime


def register_all(app: Dash, runtime: Runtime, controls: DemoControls | None) -> None:
    for module in (shell, overview, system, database, alerts, model_callbacks, drift_callbacks,
                   fleet_callbacks, history):
        module.register(app, runtime)
    prediction_callbacks.register(app, runtime)
    demo_callbacks.register(app, controls, runtime.settings)
    guard.register(app)  # every callback's inputs checked once, before Dash dispatches them
