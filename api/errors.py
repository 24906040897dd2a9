"""JSON errors for the API: {"error": {"code", "message", "details"}} with the right status.

Pages outside /api keep Flask's HTML errors; no error body ever carries a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError

from data.disk_full import is_disk_full
from data.store import Store

log = logging.getLogger(__name__)
JSON_PREFIXES = ("/api/", "/metrics")
RETRY_AFTER_DISK_FULL = "30"


class ApiError(Exception):
    """Raise from a route to answer with a JSON error."""

    def __init__(self, status: int, code: str, message: str, details: list[Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []


def error_response(status: int, code: str, message: str, details: list[Any] | None = None) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "details": details or []}})
    response.status_code = status
    return response


def _wants_json() -> bool:
    return request.path.startswith(JSON_PREFIXES)


def register(server: Flask, store: Store) -> None:
    """JSON errors for the API and /metrics; a failure during a full-disk episode of `store` is a 507."""
    server.after_request(_exact_allow)

    @server.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.details)

    @server.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response | HTTPException:
        if not _wants_json():
            return exc
        code = (exc.name or "error").lower().replace(" ", "_")
        response = error_response(exc.code or 500, code, exc.description or exc.name)
        # Keep the exception's own headers (a 405's Allow, RFC 9110), not its HTML content type.
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @server.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response | HTTPException:
        if _disk_full(exc, store):  # the store logged the episode once (data/disk_full.py): no traceback per request
            response = error_response(
                507,
                "disk_full",
                "the database's disk is full: nothing was stored; retry "
                "when space is freed (GET /api/system_health shows the store's state)",
            )
            response.headers["Retry-After"] = RETRY_AFTER_DISK_FULL
            return response
        log.exception("unhandled error on %s %s", request.method, request.path)
        if not _wants_json():
            return InternalServerError()
        return error_response(500, "internal_error", "the server failed to answer; the log has the details")


def _disk_full(exc: Exception, store: Store) -> bool:
    """The error says the disk is full, or the store is in a full-disk episode (then a write fails with
    "database invalidated" or "connection closed" until the store reopens the file)."""
    if is_disk_full(exc):
        return True
    return store.disk.since is not None and "duckdb" in type(exc).__module__


def _api_methods(path: str) -> set[str]:
    """Methods of the API routes at exactly `path`, leaving out the catch-alls (/api/<rest>, Dash's /<path>)."""
    return {m for rule in current_app.url_map.iter_rules() if rule.rule == path for m in (rule.methods or ())}


def not_found(rest: str) -> Response:
    """Dash answers every unknown path with its page; under /api an unknown path is a 404, and a known
    path asked with another method a 405 naming the methods it has."""
    methods = _api_methods(f"/api/{rest}")
    if methods:
        response = error_response(405, "method_not_allowed", f"/api/{rest} does not answer {request.method}")
        response.headers["Allow"] = ", ".join(sorted(methods))
        return response
    return error_response(404, "not_found", f"no API route /api/{rest}")


def _exact_allow(response: Response) -> Response:
    # Flask's automatic OPTIONS lists the catch-alls' GET too: an API route lists only its own methods.
    if request.method == "OPTIONS" and request.path.startswith("/api/") and "Allow" in response.headers:
        methods = _api_methods(request.path)
        if methods:
            response.headers["Allow"] = ", ".join(sorted(methods))
    return response
