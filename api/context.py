"""The current app's shared objects, for route handlers."""
from __future__ import annotations

from flask import current_app

from predictor.demo import DemoControls
from predictor.service import PredictionService
from runtime.runtime import Runtime

RUNTIME, SERVICE, CONTROLS = "predwatch", "predwatch.service", "predwatch.controls"


def runtime() -> Runtime:
    return current_app.extensions[RUNTIME]


def service() -> PredictionService:
    return current_app.extensions[SERVICE]


def controls() -> DemoControls | None:
    """The demo switches, or None when the built-in workload is off."""
    return current_app.extensions.get(CONTROLS)
