"""Dash callbacks, one module per page. Each exposes `register(app, ...)` taking the parts its page reads
(the store, the rules, settings values): callbacks attach to the app the factory is building, never to
Dash's global list (see DESIGN.md section 11). `register_all` unpacks the Runtime for them."""

from __future__ import annotations

from dash import Dash

from callbacks import alerts, database, guard, history, overview, shell, system
from callbacks import demo as demo_callbacks
from callbacks import drift as drift_callbacks
from callbacks import fleet as fleet_callbacks
from callbacks import model as model_callbacks
from callbacks import predictions as prediction_callbacks
from data.queries.drift import drift_windows
from external.fleet import open_fleet
from predictor.demo import DemoControls
from runtime.runtime import Runtime


def register_all(app: Dash, runtime: Runtime, controls: DemoControls | None) -> None:
    store, settings = runtime.store, runtime.settings
    shell.register(app)
    overview.register(app, runtime.health, store, runtime.levels)
    system.register(app, store)
    database.register(app, store, settings.postgres_targets)
    alerts.register(app, store, runtime.rules)
    model_callbacks.register(app, store, settings.eval_window_seconds, settings.min_eval_samples)
    drift_callbacks.register(app, store, drift_windows(settings))
    fleet_callbacks.register(app, open_fleet(settings.prometheus_url, settings.prometheus_timeout))
    history.register(app)
    prediction_callbacks.register(app, store)
    demo_callbacks.register(app, controls, settings)
    guard.register(app)  # every callback's inputs checked once, before Dash dispatches them
