"""GET /api/system_health: overall status, resources, components and processes."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from analytics.health import build_report
from api.context import runtime
from data.clock import utcnow
from data.health_inputs import health_inputs

blueprint = Blueprint("health", __name__, url_prefix="/api")


@blueprint.get("/system_health")
def system_health() -> Response:
    rt = runtime()
    report = build_report(health_inputs(rt.store, rt.writer, rt.board), utcnow(), rt.settings.sample_delay)
    return jsonify(report)


@blueprint.get("/ping")
def ping() -> Response:
    """Liveness: answers as long as the server serves, touching nothing else."""
    return jsonify({"status": "ok"})
