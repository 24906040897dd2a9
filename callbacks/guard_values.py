"""What each input and state of a server callback may hold, by component id and property: a value of another
type is refused (Refused, a 400 from callbacks/guard.py); a value of the right type the component cannot hold
now (an unknown range key, a page path without "/") becomes the default view.

A browser only sends what its components hold: a select's value is a string (a dropdown sends its option's
value as text), a click counter a non-negative integer. Anything else is a forged request; refused here, it
never reaches a query (a select's `true` or `1e30` reached DuckDB as a model name). A callback input with no
declared check is refused too, so a new component is declared here before its callback answers
(tests/api/test_dash_guard.py lists the live callback map against these tables).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from dashboard import ids
from dashboard.theme import DEFAULT_RANGE, RANGES
from dashboard.timekeys import parse_absolute

MAX_TEXT = 2048
MAX_ITEMS = 10_000  # options of a select: one per model or feature
EARLIEST, LATEST = datetime(1970, 1, 1), datetime(9999, 1, 1)


class Refused(ValueError):
    """Why a callback request is not one the app's callback map describes."""


def _unicode(value: str) -> bool:
    """Whether `value` is real text: JSON's \\ud800 escapes give a lone surrogate, which DuckDB cannot take."""
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def text(value: Any) -> str | None:
    if value is None or isinstance(value, str) and len(value) <= MAX_TEXT and _unicode(value):
        return value
    raise Refused(f"must be text of at most {MAX_TEXT} characters or null")


def typed(value: Any) -> str | None:
    """Text a user types or pastes (an input box, the URL): too long is nothing typed, not a forgery."""
    if value is None or isinstance(value, str) and _unicode(value):
        return value if value is None or len(value) <= MAX_TEXT else None
    raise Refused("must be text or null")


def range_key(value: Any) -> str:
    """A key of theme.RANGES or an absolute window within EARLIEST..LATEST; other text (an old or edited URL's)
    the default range."""
    value = text(value)
    if value in RANGES:
        return value
    window = parse_absolute(value) if value else None
    return value if value and window and EARLIEST <= window[0] and window[1] <= LATEST else DEFAULT_RANGE


def number(value: Any) -> float | int | None:
    """A number input's value: a finite number or null."""
    if value is None or isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return value
    raise Refused("must be a finite number or null")


def count(value: Any) -> int | None:
    """A click or tick counter: a non-negative integer or null."""
    if value is None or isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63:
        return value
    raise Refused("must be a non-negative integer or null")


def flag(value: Any) -> bool | None:
    """A switch's value."""
    if value is None or isinstance(value, bool):
        return value
    raise Refused("must be true, false or null")


def path(value: Any) -> str:
    """A page path: Dash's page router needs one that starts with "/"."""
    value = typed(value)
    return value if value and value.startswith("/") else "/"


def mapping(value: Any) -> dict[str, Any] | None:
    """A store of a small object (a zoom request); its nesting is bounded by the guard's depth check."""
    if value is None or isinstance(value, dict) and len(value) <= MAX_ITEMS:
        return value
    raise Refused("must be an object or null")


def strings(value: Any) -> list[str] | None:
    """A checklist's value: a list of its string options, or null."""
    if value is None or isinstance(value, list) and len(value) <= MAX_ITEMS and all(isinstance(v, str) for v in value):
        for item in value or []:
            text(item)
        return value
    raise Refused("must be a list of text or null")


def options(value: Any) -> list[dict[str, Any]] | None:
    """A select's options as the page's callbacks set them: {"label", "value"} objects of text."""
    ok = value is None or (
        isinstance(value, list)
        and len(value) <= MAX_ITEMS
        and all(isinstance(o, dict) and set(o) <= {"label", "value", "disabled"} for o in value)
    )
    if not ok:
        raise Refused("must be a list of {label, value} options or null")
    for option in value or []:
        text(option.get("label"))
        text(option.get("value"))
    return value


# (component id, property) first, then the property alone; "value" alone is a select's (text).
BY_ID: dict[tuple[str, str], Callable[[Any], Any]] = {
    (ids.RANGE, "value"): range_key,
    (ids.BACKTEST_THRESHOLD, "value"): number,
    (ids.TICK, "data"): count,
    (ids.ZOOM_REQUEST, "data"): mapping,
    (ids.LIVE_TOGGLE, "value"): flag,
    (ids.DEMO_SWITCHES, "value"): strings,
    (ids.RANGE_FROM, "value"): typed,
    (ids.RANGE_TO, "value"): typed,
    (ids.BACKTEST_FOR, "value"): typed,
}
BY_PROPERTY: dict[str, Callable[[Any], Any]] = {
    "value": text,
    "options": options,
    "id": text,
    "pathname": path,
    "search": typed,
    "hash": typed,
    "href": typed,
    "n_clicks": count,
    "n_intervals": count,
    "relayoutData": mapping,
}


def declared(component_id: str, prop: str) -> Callable[[Any], Any] | None:
    """The check of one input or state, None when none is declared."""
    return BY_ID.get((component_id, prop)) or BY_PROPERTY.get(prop)


def check_value(component_id: str, prop: str, value: Any) -> Any:
    """`value` as the component holds it (coerced), else Refused naming the component."""
    check = declared(component_id, prop)
    if check is None:
        raise Refused(f"{component_id}.{prop} has no declared type")
    try:
        return check(value)
    except Refused as exc:
        raise Refused(f"{component_id}.{prop} {exc}") from None
