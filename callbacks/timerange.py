"""The shared time-range control's value as a (since, until) pair."""
from __future__ import annotations

from datetime import datetime, timedelta

from dashboard.theme import DEFAULT_RANGE, RANGES


def window(range_key: str | None, now: datetime) -> tuple[datetime, datetime]:
    _, seconds = RANGES.get(range_key or DEFAULT_RANGE, RANGES[DEFAULT_RANGE])
    return now - timedelta(seconds=seconds), now
