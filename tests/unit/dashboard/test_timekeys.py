"""The shared range as one string: URL query strings, absolute windows, zoom events."""

from __future__ import annotations

from datetime import datetime

from callbacks.history import zoomed_range
from callbacks.timerange import window
from dashboard.timekeys import absolute_key, live_from_query, parse_absolute, query_for, range_options, value_from_query

A, B = datetime(2026, 3, 1, 10, 0), datetime(2026, 3, 1, 12, 30)
NOW = datetime(2026, 3, 5)


def test_query_strings_round_trip() -> None:
    for value, live in (("7d", True), ("90d", False), (absolute_key(A, B), True), (absolute_key(A, B), False)):
        query = query_for(value, live)
        assert value_from_query(query) == value
        assert live_from_query(query) is live


def test_bad_queries_name_no_range() -> None:
    for search in ("", "?range=3y", "?from=2026-03-02&to=2026-03-01", "?from=yesterday&to=now", "?to=2026-03-01"):
        assert value_from_query(search) is None


def test_window_honours_absolute_and_relative_keys() -> None:
    assert window(absolute_key(A, B), NOW) == (A, B)
    assert window("30d", NOW) == (datetime(2026, 2, 3), NOW)
    assert window("abs:garbage", NOW) == window(None, NOW)  # falls back to the default range


def test_a_box_zoom_becomes_an_absolute_range() -> None:
    assert zoomed_range({"xaxis.range[0]": "2026-03-01 10:00:00.25", "xaxis.range[1]": "2026-03-01 12:30"}) == absolute_key(A, B)
    assert zoomed_range({"xaxis.range": ["2026-03-01T10:00:00", "2026-03-01T12:30:00"]}) == absolute_key(A, B)
    for event in (
        None,
        {"xaxis.autorange": True},
        {"yaxis.range[0]": 1, "yaxis.range[1]": 2},
        {"xaxis.range[0]": "2026-03-02", "xaxis.range[1]": "2026-03-01"},
    ):
        assert zoomed_range(event) is None


def test_an_absolute_range_is_offered_in_the_select() -> None:
    assert [o["value"] for o in range_options("24h")][-1] == "90d"
    assert range_options(absolute_key(A, B))[-1]["value"] == absolute_key(A, B)
    assert parse_absolute(absolute_key(A, B)) == (A, B)
