"""One guard for the inputs of every server callback: a forged POST to /_dash-update-component gets the
default view, never a 500.

A browser only sends what its components hold (a range key, a select's option, a number input's number),
but anyone can POST `{"a": 1}`, `true`, `1e309` or `NaN` as the time range; 263 of 2,102 such POSTs answered
500 (issue 15). Rather than each callback checking each argument, the request body is cleaned once, before
Dash dispatches it: each input and state value is checked by its component id and property and, when it is
not a value that component can hold, replaced by the default (None, or the default range). Callbacks keep
reading plain values.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from dash import Dash
from flask import request

from dashboard import ids
from dashboard.theme import DEFAULT_RANGE, RANGES
from dashboard.timekeys import parse_absolute

MAX_TEXT = 2048
EARLIEST, LATEST = datetime(1970, 1, 1), datetime(9999, 1, 1)


def range_key(value: Any) -> str:
    """A key of theme.RANGES or an absolute window within EARLIEST..LATEST; anything else the default."""
    if isinstance(value, str) and value in RANGES:
        return value
    window = parse_absolute(value) if isinstance(value, str) and len(value) <= MAX_TEXT else None
    if window and EARLIEST <= window[0] and window[1] <= LATEST:
        return value
    return DEFAULT_RANGE


def number(value: Any) -> float | int | None:
    """A finite number (a number input's value) or None."""
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return value if ok else None


def count(value: Any) -> int | None:
    """A click or tick counter: a non-negative integer or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def text(value: Any) -> str | None:
    return value if isinstance(value, str) and len(value) <= MAX_TEXT else None


def path(value: Any) -> str:
    """A page path: Dash's page router needs one that starts with "/"."""
    return value if isinstance(value, str) and value.startswith("/") and len(value) <= MAX_TEXT else "/"


def mapping(value: Any) -> dict | None:
    return value if isinstance(value, dict) else None


def strings(value: Any) -> list[str] | None:
    """A checklist's value: a list of string options, or None."""
    ok = isinstance(value, list) and all(isinstance(v, str) and len(v) <= MAX_TEXT for v in value)
    return value if ok else None


def selection(value: Any) -> Any:
    """A single select's (or text or number input's) value: one scalar. The one checklist (the demo switches)
    is listed by id; a multi-select added later would be too."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str):
        return text(value)
    return value if value is None or isinstance(value, bool | int | float) else None


# (component id, property) -> check; then property alone; a "value" not listed is a single select's.
BY_ID: dict[tuple[str, str], Callable[[Any], Any]] = {
    (ids.RANGE, "value"): range_key,
    (ids.BACKTEST_THRESHOLD, "value"): number,
    (ids.TICK, "data"): count,
    (ids.ZOOM_REQUEST, "data"): mapping,
    (ids.RANGE_FROM, "value"): text,
    (ids.RANGE_TO, "value"): text,
    (ids.BACKTEST_FOR, "value"): text,
    (ids.DEMO_SWITCHES, "value"): strings,
}
BY_PROPERTY: dict[str, Callable[[Any], Any]] = {
    "pathname": path,
    "search": text,
    "hash": text,
    "href": text,
    "n_clicks": count,
    "n_intervals": count,
    "relayoutData": mapping,
    "value": selection,
}


def clean(item: Any) -> None:
    """Check one {"id", "property", "value"} entry in place (a pattern-matching list: each of its entries)."""
    if isinstance(item, list):
        for entry in item:
            clean(entry)
        return
    if not isinstance(item, dict) or "value" not in item:
        return
    key = item.get("id") if isinstance(item.get("id"), str) else None
    check = BY_ID.get((key, item.get("property"))) or BY_PROPERTY.get(item.get("property"))
    if check is not None:
        item["value"] = check(item["value"])


def clean_body(body: Any) -> None:
    if isinstance(body, dict):
        for part in ("inputs", "state"):
            if isinstance(body.get(part), list):
                for item in body[part]:
                    clean(item)


def register(app: Dash) -> None:
    """Clean every callback request's body before Dash reads it (Flask caches the parsed JSON it returns)."""
    route = app.config.requests_pathname_prefix + "_dash-update-component"

    @app.server.before_request
    def _guard_callback_inputs() -> None:
        if request.path == route and request.method == "POST" and request.is_json:
            clean_body(request.get_json(silent=True))
