"""GET/POST /api/demo: the built-in workload's switches (drift, spike, error burst)."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from api.auth import require_token
from api.context import controls
from api.errors import ApiError
from api.schemas import DemoSwitches
from api.validation import parse_body
from predictor.demo import DemoControls

blueprint = Blueprint("demo", __name__, url_prefix="/api")


def _controls() -> DemoControls:
    found = controls()
    if found is None:
        raise ApiError(404, "demo_off", "the built-in workload is off (--no-demo)")
    return found


@blueprint.get("/demo")
def demo_state() -> Response:
    return jsonify(_controls().state())


@blueprint.post("/demo")
@require_token
def set_demo() -> Response:
    target = _controls()
    switches = parse_body(DemoSwitches).model_dump(exclude_none=True)
    target.set(switches)
    return jsonify(target.state())
