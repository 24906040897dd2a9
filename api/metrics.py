"""GET /metrics: Prometheus text exposition of this app's registry."""
from __future__ import annotations

from flask import Blueprint, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.context import runtime

blueprint = Blueprint("metrics", __name__)


@blueprint.get("/metrics")
def metrics() -> Response:
    return Response(generate_latest(runtime().telemetry.registry), content_type=CONTENT_TYPE_LATEST)
