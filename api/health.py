"""GET /api/system_health: overall status, resources, components and processes."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from analytics.health import build_report
from api.context import runtime
from data.clock import utcnow
from data.health_inputs import health_inputs
from data.queries import alerts as alert_queries
from data.runtime import Runtime

blueprint = Blueprint("health", __name__, url_prefix="/api")


def _firing_alerts(rt: Runtime) -> list[dict]:
    """Firing alerts; a failing store is already reported as a component, so here it means none known."""
    try:
        return alert_queries.list_alerts(rt.store, "firing", None, limit=100)
    except Exception:
        return []


@blueprint.get("/system_health")
def system_health() -> Response:
    rt = runtime()
    inputs = health_inputs(rt.store, rt.writer, rt.board)
    inputs["alerts"] = _firing_alerts(rt)
    report = build_report(inputs, utcnow(), rt.settings.sample_delay)
    return jsonify(report)


@blueprint.get("/ping")
def ping() -> Response:
    """Liveness: answers as long as the server serves, touching nothing else."""
    return jsonify({"status": "ok"})
