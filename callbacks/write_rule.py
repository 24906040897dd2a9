"""The API's write rule for dashboard callbacks that change state (the demo switches).

With --api-token set, POST /api/demo needs the token; a forged POST to /_dash-update-component must not be a
way around it. A callback may change state when no token is set, when the dashboard itself is behind a
login (--dashboard-auth basic or token: the login already refused anyone without the credential), or when
the request carries the token (bearer, or as the basic-auth password: browsers cannot send a bearer header).
"""

from __future__ import annotations

import hmac

from flask import request

from settings import Settings


def carries_token(expected: str) -> bool:
    auth = request.authorization
    if auth is None:
        return False
    given = auth.token if auth.type == "bearer" else auth.password
    return hmac.compare_digest((given or "").encode(), expected.encode())


def may_write(settings: Settings) -> bool:
    if not settings.api_token or settings.dashboard_auth_mode != "off":
        return True
    return carries_token(settings.api_token)
