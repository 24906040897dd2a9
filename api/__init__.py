"""Flask routes: the JSON API under /api and Prometheus' /metrics."""
from __future__ import annotations

from flask import Flask

from api import errors, health, instrumentation, metrics
from data.runtime import Runtime

EXTENSION = "predwatch"


def register(server: Flask, runtime: Runtime) -> None:
    server.extensions[EXTENSION] = runtime
    errors.register(server)
    instrumentation.register(server, runtime.telemetry)
    server.register_blueprint(health.blueprint)
    server.register_blueprint(metrics.blueprint)
    server.add_url_rule("/api/<path:rest>", "api_not_found", errors.not_found)
