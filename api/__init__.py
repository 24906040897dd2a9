"""Flask routes: the JSON API under /api and Prometheus' /metrics."""

from __future__ import annotations

from flask import Blueprint, Flask

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
    tolerance,
)
from api import model as model_routes
from api.context import SERVICE
from data.queries.drift import drift_windows
from predictor.demo import DemoControls
from predictor.service import PredictionService
from runtime.runtime import Runtime


def register(server: Flask, runtime: Runtime, service: PredictionService, controls: DemoControls | None) -> None:
    server.extensions[SERVICE] = service  # the app's prediction service, for tests and tools
    server.config["MAX_CONTENT_LENGTH"] = int(runtime.settings.max_body_mb * 1024 * 1024)
    security.register(server, runtime.settings)
    errors.register(server, runtime.store)
    body_gate.register(server)
    instrumentation.register(server, runtime.telemetry)
    for blueprint in _blueprints(runtime, service, controls):
        server.register_blueprint(blueprint)
    server.add_url_rule("/api/<path:rest>", "api_not_found", errors.not_found)


def _blueprints(runtime: Runtime, service: PredictionService, controls: DemoControls | None) -> list[Blueprint]:
    """Every route, each built with the parts it reads."""
    settings, store, telemetry = runtime.settings, runtime.store, runtime.telemetry
    windows, drift = settings.eval_window_seconds, drift_windows(settings)
    return [
        health.blueprint(runtime.health),
        metrics.blueprint(telemetry.registry),
        predictions.blueprint(service, store, telemetry.predictions, settings.api_token),
        reads.blueprint(store, settings.metrics_cache_seconds),
        openapi.blueprint(windows, drift, runtime.rules, service.models),
        demo.blueprint(controls, settings.api_token),
        database.blueprint(store, runtime.writer, settings.postgres_targets),
        alerts.blueprint(store, runtime.rules, str(settings.rules or "defaults")),
        model_routes.blueprint(store, runtime.answers, windows, drift, settings.min_eval_samples),
        export.blueprint(store),
        tolerance.blueprint(store, settings.api_token),
    ]
