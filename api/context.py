"""The current app's shared objects, for the route handlers not yet handed what they read: every other
blueprint is built by a factory that takes its parts (api/__init__.py)."""
from __future__ import annotations

from flask import current_app

from runtime.runtime import Runtime

RUNTIME, SERVICE = "predwatch", "predwatch.service"


def runtime() -> Runtime:
    return current_app.extensions[RUNTIME]
