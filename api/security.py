"""Security headers on every response, and the optional dashboard login (--dashboard-auth).

The Content-Security-Policy allows scripts from this server only, plus Dash's own inline scripts by
hash (`Dash.csp_hashes`, handed in by `allow_inline_scripts`). Dash adds inline scripts up to its first
request, so the hashes are read when a page is served, not once at start.
Plotly sets inline styles, hence style-src 'unsafe-inline'; it needs no 'unsafe-eval' (the browser
test loads every page and fails on any CSP violation).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Sequence

from flask import Flask, Response, request

from settings import Settings

log = logging.getLogger(__name__)
SCRIPT_HASHES = "PREDWATCH_SCRIPT_HASHES"
# Machine clients and Prometheus use these; the API guards its write routes with its own bearer token.
# Exactly these: "/metrics" as a prefix also let /metricsx, /metrics.html... serve the page shell unguarded.
UNGUARDED_PREFIXES = ("/api/",)
UNGUARDED_PATHS = frozenset({"/metrics"})
REALM = 'Basic realm="Predwatch", charset="UTF-8"'


def content_security_policy(script_hashes: Sequence[str]) -> str:
    """The policy; each hash comes quoted, as Dash.csp_hashes() returns it ("'sha256-...'")."""
    scripts = " ".join(["'self'", *script_hashes])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def allow_inline_scripts(server: Flask, script_hashes: Callable[[], Sequence[str]]) -> None:
    """Allow the inline scripts whose hashes `script_hashes()` returns (the app's `csp_hashes`)."""
    server.config[SCRIPT_HASHES] = script_hashes


def _same(given: str | None, expected: str | None) -> bool:
    if not expected:  # an unset credential never matches (not even an empty one)
        return False
    return hmac.compare_digest((given or "").encode(), expected.encode())  # constant time


def dashboard_allowed(settings: Settings) -> bool:
    """Whether the current request may see the dashboard under settings.dashboard_auth_mode."""
    mode = settings.dashboard_auth_mode
    if mode == "off":
        return True
    auth = request.authorization
    if mode == "token":
        # Browsers cannot send a bearer header when navigating: the token also works as the basic-auth password.
        given = auth.token if auth is not None and auth.type == "bearer" else (auth.password if auth else None)
        return _same(given, settings.api_token)
    if auth is None or auth.type != "basic":
        return False
    user_ok = _same(auth.username, settings.dashboard_user)
    return _same(auth.password, settings.dashboard_password) and user_ok


def warn_if_unusable(settings: Settings) -> None:
    mode = settings.dashboard_auth_mode
    missing = (mode == "basic" and not (settings.dashboard_user and settings.dashboard_password)) or (
        mode == "token" and not settings.api_token
    )
    if missing:
        log.warning(
            "dashboard auth is %s on %s but no credentials are configured: every dashboard request is "
            "refused; set --dashboard-user and --dashboard-password (or --api-token with --dashboard-auth "
            "token)",
            mode,
            settings.host,
        )


def unguarded(path: str) -> bool:
    """Whether `path` is public (no dashboard login): the API and exactly /metrics."""
    return path in UNGUARDED_PATHS or path.startswith(UNGUARDED_PREFIXES)


def register(server: Flask, settings: Settings) -> None:
    warn_if_unusable(settings)

    @server.before_request
    def _login() -> Response | None:
        if unguarded(request.path) or dashboard_allowed(settings):
            return None
        return Response("authentication required\n", 401, {"WWW-Authenticate": REALM, "Content-Type": "text/plain"})

    @server.after_request
    def _headers(response: Response) -> Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        hashes = server.config.get(SCRIPT_HASHES)
        # Only HTML runs scripts; other responses get the strictest script policy for free.
        inline = hashes() if hashes is not None and response.mimetype == "text/html" else []
        response.headers["Content-Security-Policy"] = content_security_policy(inline)
        return response
