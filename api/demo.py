"""GET/POST /api/demo: the built-in workload's switches (drift, spike, error burst)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from api.auth import token_required
from api.errors import ApiError
from api.schemas import DemoSwitches
from api.validation import parse_body
from predictor.demo import DemoControls


def _on(controls: DemoControls | None) -> DemoControls:
    if controls is None:
        raise ApiError(404, "demo_off", "the built-in workload is off (--no-demo)")
    return controls


def blueprint(controls: DemoControls | None, api_token: str | None) -> Blueprint:
    """The routes over `controls` (None when the built-in workload is off: both answer 404)."""
    routes = Blueprint("demo", __name__, url_prefix="/api")

    @routes.get("/demo")
    def demo_state() -> Response:
        return jsonify(_on(controls).state())

    @routes.post("/demo")
    @token_required(api_token)
    def set_demo() -> Response:
        target = _on(controls)
        switches = parse_body(DemoSwitches).model_dump(exclude_none=True)
        target.set(switches)
        return jsonify(target.state())

    return routes
