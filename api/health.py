"""GET /api/system_health: overall status, resources, components, processes and firing alerts; GET /api/ping.

The report is the app's one health answer (runtime/health.py), the same the Overview page shows; it is
computed at most once per `--health-cache-seconds` and shared, with its age in `cache_age_seconds`."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from runtime.health import HealthService


def blueprint(health: HealthService) -> Blueprint:
    routes = Blueprint("health", __name__, url_prefix="/api")

    @routes.get("/system_health")
    def system_health() -> Response:
        answer = health.report()
        return jsonify({**answer.report, "cache_age_seconds": round(answer.age_seconds, 3)})

    @routes.get("/ping")
    def ping() -> Response:
        """Liveness: answers as long as the server serves, touching nothing else."""
        return jsonify({"status": "ok"})

    return routes
