"""Dash callbacks, one module per page. Each exposes `register(app, runtime)`: callbacks attach
to the app the factory is building, never to Dash's global list (see DESIGN.md section 11)."""
from __future__ import annotations

from dash import Dash

from callbacks import overview, shell, system
from data.runtime import Runtime
from predictor.demo import DemoControls


def register_all(app: Dash, runtime: Runtime, controls: DemoControls | None) -> None:
    for module in (shell, overview, system):
        module.register(app, runtime)
