"""GET /api/system_health: overall status, resources, components and processes.

The report runs several store queries; under load (load balancers, dashboards and scrapers polling it at once)
it is computed at most once per `--health-cache-seconds` and shared, with its age in `cache_age_seconds`."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from analytics.health import build_report
from api.context import runtime
from api.reads import TtlCache
from data.clock import utcnow
from data.queries import alerts as alert_queries
from runtime.health_inputs import health_inputs
from runtime.runtime import Runtime

blueprint = Blueprint("health", __name__, url_prefix="/api")


def _firing_alerts(rt: Runtime) -> list[dict]:
    """Firing alerts; a failing store is already reported as a component, so here it means none known."""
    try:
        return alert_queries.list_alerts(rt.store, "firing", None, limit=100)
    except Exception:
        return []


def compute_health(rt: Runtime) -> dict:
    inputs = health_inputs(rt.store, rt.writer, rt.board, rt.databases.postgres)
    inputs["alerts"] = _firing_alerts(rt)
    report = build_report(inputs, utcnow(), rt.settings.sample_delay, rt.levels)
    return {**report, "computed_at": report["timestamp"]}


@blueprint.get("/system_health")
def system_health() -> Response:
    rt = runtime()
    cache = current_app.extensions.setdefault("predwatch.health_cache", TtlCache())
    report, age = cache.get("health", rt.settings.health_cache_seconds, lambda: compute_health(rt))
    return jsonify({**report, "cache_age_seconds": round(age, 3)})


@blueprint.get("/ping")
def ping() -> Response:
    """Liveness: answers as long as the server serves, touching nothing else."""
    return jsonify({"status": "ok"})
