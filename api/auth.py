"""Bearer-token check for write routes, compared in constant time."""
from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import request

from api.context import runtime
from api.errors import ApiError

TOKEN_PARAMS = ("token", "access_token", "api_token")


def require_token(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        expected = runtime().settings.api_token
        if expected is not None:
            if any(p in request.args for p in TOKEN_PARAMS):
                raise ApiError(401, "unauthorized", "send the token in the Authorization header, never in the URL")
            scheme, _, given = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), expected.encode()):
                raise ApiError(401, "unauthorized", "a valid 'Authorization: Bearer <token>' header is required")
        return view(*args, **kwargs)

    return wrapped
