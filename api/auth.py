"""Bearer-token check for write routes, compared in constant time."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import request

from api.errors import ApiError

TOKEN_PARAMS = ("token", "access_token", "api_token")
View = Callable[..., Any]


def token_required(expected: str | None) -> Callable[[View], View]:
    """A decorator for write routes: with `expected` set (--api-token), a request must carry it as a bearer
    token; with None every request passes."""

    def require_token(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if expected is not None:
                _check(expected)
            return view(*args, **kwargs)

        return wrapped

    return require_token


def _check(expected: str) -> None:
    if any(p in request.args for p in TOKEN_PARAMS):
        raise ApiError(401, "unauthorized", "send the token in the Authorization header, never in the URL")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), expected.encode()):
        raise ApiError(401, "unauthorized", "a valid 'Authorization: Bearer <token>' header is required")
