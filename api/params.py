"""Query-parameter parsing with clear 400s; values reach SQL only as bound parameters."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from flask import request

from api.errors import ApiError

# Patterns are matched whole (fullmatch): a closing "$" also matches before a final newline in Python, so
# "90m\n" passed and failed later as a 500. The OpenAPI document keeps "^...$", which JSON Schema (ECMA-262)
# reads as the whole string; classes are spelled [0-9], never \d, which in Python also takes other scripts' digits.
_INTEGER = re.compile("-?[0-9]{1,64}")
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
    if not _INTEGER.fullmatch(raw):  # int() also takes " 5", "1_0" and other scripts' digits ("٣", "１")
        raise ApiError(400, "bad_parameter", f"{name} must be an integer", [{"field": name}])
    value = int(raw)
    if value < low:
        raise ApiError(400, "bad_parameter", f"{name} must be at least {low}", [{"field": name}])
    return min(value, high)


def choice(name: str, allowed: Sequence[str], default: str | None = None) -> str | None:
    raw = _single(name, default)
    if raw is not None and raw not in allowed:
        raise ApiError(
            400, "bad_parameter", f"{name} must be one of {', '.join(allowed)}", [{"field": name, "allowed": list(allowed)}]
        )
    return raw


def text(name: str, max_length: int = 128) -> str | None:
    raw = _single(name)
    if raw is not None and (not raw or len(raw) > max_length):
        raise ApiError(400, "bad_parameter", f"{name} must be 1 to {max_length} characters", [{"field": name}])
    return raw


# Times a route accepts: a year from 1970 to 9998, as the OpenAPI document says (TIME_PATTERN); in UTC a day of
# slack either side, so any offset (-23:59..+23:59) on an accepted year passes. Wide enough for any real
# record, narrow enough that converting an offset (+14:00 on 0001-01-01) or stepping a day back from a bound
# never leaves Python's datetime range (that was a 500).
EARLIEST, LATEST = datetime(1969, 12, 31), datetime(9999, 1, 2)
TIME_RANGE_TEXT = "in a year from 1970 to 9998"
# The times both parsers take, as one pattern the OpenAPI document states and every route checks first, so the
# document and the server agree: RFC 3339's date-time (real dates only: 30-day months, 29 February in leap years),
# with a space allowed for the T and the offset optional (then UTC: Python's isoformat() of a naive time has
# none); no leap second (:60: Python's datetime cannot hold it). No "format": "date-time" in the document, which
# would refuse those two.
YEAR = r"(19[7-9][0-9]|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])"
LEAP_YEAR = r"(19(7[26]|8[048]|9[26])|[2-9][0-9](0[48]|[2468][048]|[13579][26])|([2468][048]|[3579][26])00)"
DATE = (
    rf"({YEAR}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
    rf"|02-(0[1-9]|1[0-9]|2[0-8]))|{LEAP_YEAR}-02-29)"
)
TIME_PATTERN = (
    rf"^{DATE}[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?"
    r"([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$"
)
TIME_TEXT = "YYYY-MM-DDThh:mm:ss[.fraction][Z|+hh:mm|-hh:mm] (T or a space; no offset means UTC)"
_TIME = re.compile(TIME_PATTERN)
MAX_TIME_LENGTH = 64


def parse_time(raw: str) -> datetime:
    """A time of TIME_PATTERN's form (aware, or naive for UTC), else ValueError."""
    if not _TIME.fullmatch(raw):
        raise ValueError(f"must be a time {TIME_TEXT} {TIME_RANGE_TEXT}")
    return datetime.fromisoformat(raw.upper().replace("Z", "+00:00"))  # RFC 3339 allows t and z; Python not


def utc_in_range(value: datetime) -> datetime:
    """`value` as naive UTC (a naive value is UTC already); ValueError outside EARLIEST..LATEST."""
    try:
        utc = value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise ValueError(f"must be {TIME_RANGE_TEXT}")
    return utc


def timestamp(name: str, default: datetime) -> datetime:
    """An ISO 8601 time parameter as naive UTC; unparseable or out of range is a 400 naming it."""
    raw = text(name, MAX_TIME_LENGTH)
    if raw is None:
        return default
    try:
        return utc_in_range(parse_time(raw))
    except ValueError:
        raise ApiError(
            400,
            "bad_parameter",
            f"{name} must be a time {TIME_TEXT} {TIME_RANGE_TEXT}, e.g. 2026-03-01T00:00:00Z",
            [{"field": name}],
        ) from None


def window_seconds(default: str = "5m") -> int:
    return WINDOWS[choice("window", list(WINDOWS), default) or default]
