"""The alert backtest's parameters: the edited rule, the history replayed and the caller's fault
episodes. Every one is matched whole against its pattern and refused with a 400 naming it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta

from flask import request

from analytics.alert_rules import Rule, parse_duration
from api import params
from api.errors import ApiError

# A decimal number, matched whole: float() alone also takes " 5", "1_0", "nan" and other scripts' digits.
NUMBER_PATTERN = r"^[-+]?([0-9]{1,32}(\.[0-9]{0,32})?|\.[0-9]{1,32})([eE][-+]?[0-9]{1,3})?$"
_NUMBER = re.compile(NUMBER_PATTERN)
MAX_HISTORY = timedelta(days=31)
MAX_EPISODES = 100
EPISODES_MAX_LENGTH = MAX_EPISODES * (2 * params.MAX_TIME_LENGTH + 2)
# The pairs' syntax as one pattern the OpenAPI document states; the route checks the same thing pair by pair.
_PAIR = rf"{params.TIME_PATTERN[1:-1]}/{params.TIME_PATTERN[1:-1]}"
EPISODES_PATTERN = rf"^{_PAIR}(,{_PAIR}){{0,{MAX_EPISODES - 1}}}$"
EPISODES_TEXT = "fault episodes as START/END pairs separated by commas, each time " + params.TIME_TEXT


def _bad(name: str, message: str) -> ApiError:
    return ApiError(400, "bad_parameter", f"{name} {message}", [{"field": name}])


def number(name: str) -> float | None:
    raw = params.text(name, 64)
    if raw is None:
        return None
    if not _NUMBER.fullmatch(raw):
        raise _bad(name, "must be a decimal number, e.g. 0.5 or 1e3")
    value = float(raw)
    if value in (float("inf"), float("-inf")):
        raise _bad(name, "must be a finite number")
    return value


def edited_rule(rules: list[Rule]) -> Rule:
    """The rule named by `rule`, with `threshold` and `for` tried instead of its own when given."""
    rule_id = params.text("rule")
    found = {r.id: r for r in rules}
    if rule_id not in found:
        raise ApiError(
            400,
            "bad_parameter",
            "rule must be the id of a rule in force (GET /api/alerts/rules)",
            [{"field": "rule", "allowed": list(found)}],
        )
    rule = found[rule_id]
    threshold = number("threshold")
    raw_for = params.text("for", 64)
    try:
        for_seconds = rule.for_seconds if raw_for is None else parse_duration(raw_for)
    except ValueError as exc:
        raise _bad("for", f"must be a duration: {exc}") from None
    return replace(rule, threshold=rule.threshold if threshold is None else threshold, for_seconds=for_seconds)


def history(now: datetime) -> tuple[datetime, datetime]:
    """[from, to): `window` (default 24h) back from `to` (default now); or `window` on from `from` (up to
    now) when only `from` is given; or from `from` to `to`, at most MAX_HISTORY apart."""
    length = timedelta(seconds=params.window_seconds("24h"))
    until = params.timestamp("to", now)
    since = params.timestamp("from", until - length)
    if "from" in request.args and "to" not in request.args:
        until = min(now, since + length)
    if since >= until:
        raise _bad("from", "must be before to (default: now)")
    if until - since > MAX_HISTORY:
        raise _bad("from", f"must be at most {MAX_HISTORY.days} days before to")
    return since, until


def _time(text: str) -> datetime:
    return params.utc_in_range(params.parse_time(text))


def episodes() -> list[tuple[datetime, datetime]] | None:
    """The caller's own incident log, or None to use the demo's recorded switches."""
    raw = params.text("episodes", EPISODES_MAX_LENGTH)
    if raw is None:
        return None
    pairs = raw.split(",")
    if len(pairs) > MAX_EPISODES:
        raise _bad("episodes", f"must hold at most {MAX_EPISODES} pairs")
    out = []
    for i, pair in enumerate(pairs):
        parts = pair.split("/")
        try:
            if len(parts) != 2:
                raise ValueError("is not START/END")
            start, end = _time(parts[0]), _time(parts[1])
        except ValueError:
            raise _bad("episodes", f"pair {i + 1} must be START/END, each {params.TIME_TEXT}") from None
        if end <= start:
            raise _bad("episodes", f"pair {i + 1} must end after it starts")
        out.append((start, end))
    return out
