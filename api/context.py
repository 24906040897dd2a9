"""The current app's Runtime, for route handlers."""
from __future__ import annotations

from flask import current_app

from data.runtime import Runtime


def runtime() -> Runtime:
    return current_app.extensions["predwatch"]
