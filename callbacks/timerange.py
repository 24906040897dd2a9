"""The shared time-range control's value as a (since, until) pair."""

from __future__ import annotations

from datetime import datetime, timedelta

from dashboard.theme import DEFAULT_RANGE, RANGES
from dashboard.timekeys import parse_absolute


def window(range_key: str | None, now: datetime) -> tuple[datetime, datetime]:
    """A relative range ends now; an absolute one (picker, zoom, URL) is fixed."""
    if fixed := parse_absolute(range_key):
        return fixed
    _, seconds = RANGES.get(range_key or DEFAULT_RANGE, RANGES[DEFAULT_RANGE])
    return now - timedelta(seconds=seconds), now
