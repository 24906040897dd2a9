"""Query-parameter parsing with clear 400s; values reach SQL only as bound parameters."""
from __future__ import annotations

from collections.abc import Sequence

from flask import request

from api.errors import ApiError

WINDOWS = {"1m": 60, "5m": 300, "15m": 900, "1h": 3600, "6h": 21600, "24h": 86400}


def _single(name: str, default: str | None = None) -> str | None:
    """The parameter's one value: a repeated parameter is ambiguous, hence a 400 rather than a silent pick."""
    values = request.args.getlist(name)
    if len(values) > 1:
        raise ApiError(400, "bad_parameter", f"{name} is given {len(values)} times; give it once", [{"field": name}])
    return values[0] if values else default


def bounded_int(name: str, default: int, low: int, high: int) -> int:
    """An integer parameter; values above `high` are capped, below `low` or not a number are 400."""
    raw = _single(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, "bad_parameter", f"{name} must be an integer", [{"field": name}]) from None
    if value < low:
        raise ApiError(400, "bad_parameter", f"{name} must be at least {low}", [{"field": name}])
    return min(value, high)


def choice(name: str, allowed: Sequence[str], default: str | None = None) -> str | None:
    raw = _single(name, default)
    if raw is not None and raw not in allowed:
        raise ApiError(400, "bad_parameter", f"{name} must be one of {', '.join(allowed)}",
                       [{"field": name, "allowed": list(allowed)}])
    return raw


def text(name: str, max_length: int = 128) -> str | None:
    raw = _single(name)
    if raw is not None and (not raw or len(raw) > max_length):
        raise ApiError(400, "bad_parameter", f"{name} must be 1 to {max_length} characters", [{"field": name}])
    return raw


def window_seconds(default: str = "5m") -> int:
    return WINDOWS[choice("window", list(WINDOWS), default)]
