"""Flask routes: the JSON API under /api and Prometheus' /metrics."""
from __future__ import annotations

from flask import Flask

from api import (
    alerts,
    body_gate,
    database,
    demo,
    errors,
    export,
    health,
    instrumentation,
    metrics,
    openapi,
    predictions,
    reads,
    security,
)
from api import model as model_routes
from api.context import CONTROLS, RUNTIME, SERVICE
from predictor.demo import DemoControls
from predictor.service import PredictionService
from runtime.runtime import Runtime


def register(server: Flask, runtime: Runtime, service: PredictionService, controls: DemoControls | None) -> None:
    server.extensions[RUNTIME] = runtime
    server.extensions[SERVICE] = service
    if controls is not None:
        server.extensions[CONTROLS] = controls
    server.config["MAX_CONTENT_LENGTH"] = int(runtime.settings.max_body_mb * 1024 * 1024)
    security.register(server, runtime.settings)
    errors.register(server)
    body_gate.register(server)
    instrumentation.register(server, runtime.telemetry)
    for module in (health, metrics, predictions, reads, openapi, demo, database, alerts, model_routes, export):
        server.register_blueprint(module.blueprint)
    server.add_url_rule("/api/<path:rest>", "api_not_found", errors.not_found)
