"""Nested windows: each window reads only the profile minutes the next smaller one lacks, and the parts
of every window cover exactly its own minutes."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from answers.model_window import merge_feature_bins, nested_windows
from data.queries.profile_reads import window_minutes

NOW = datetime(2026, 3, 10, 12, 7, 42)


def test_parts_partition_each_window() -> None:
    windows = [60, 900, 3600, 86400]
    found = nested_windows(NOW, windows, lambda first, last: (first, last))
    for seconds in windows:
        first, last = window_minutes(NOW, seconds)
        minutes = sorted(m for a, b in found[seconds] for m in _minutes(a, b))
        assert minutes == _minutes(first, last), seconds
    assert [len(found[w]) for w in windows] == [1, 2, 3, 4]
    assert window_minutes(NOW, 900) == (datetime(2026, 3, 10, 11, 53), datetime(2026, 3, 10, 12, 7))


def _minutes(first: datetime, last: datetime) -> list[datetime]:
    return [first + timedelta(minutes=i) for i in range(int((last - first).total_seconds() // 60) + 1)]


def test_merged_feature_bins_add_up() -> None:
    parts = [
        {"a": (np.array([1, 3]), np.array([2, 5]))},
        {"a": (np.array([3]), np.array([1])), "b": (np.array([0]), np.array([4]))},
    ]
    merged = merge_feature_bins(parts)
    assert np.bincount(merged["a"][0], weights=merged["a"][1]).tolist() == [0, 2, 0, 6]
    assert merged["b"][1].tolist() == [4]


def test_a_window_of_a_day_or_more_starts_at_its_first_whole_hour() -> None:
    assert window_minutes(NOW, 86400) == (datetime(2026, 3, 9, 13, 0), datetime(2026, 3, 10, 12, 7))
    assert window_minutes(NOW, 7 * 86400) == (datetime(2026, 3, 3, 13, 0), datetime(2026, 3, 10, 12, 7))
    assert window_minutes(NOW, 3 * 3600) == (datetime(2026, 3, 10, 9, 8), datetime(2026, 3, 10, 12, 7))
    on_the_hour = datetime(2026, 3, 10, 11, 59, 5)  # now-24h+1min is 12:00 sharp: nothing to round
    assert window_minutes(on_the_hour, 86400) == (datetime(2026, 3, 9, 12, 0), datetime(2026, 3, 10, 11, 59))
