"""KPI sparklines: bars scaled to the range's values, gaps for missing slices, a note when there is no trend."""

from __future__ import annotations

import math

from dashboard.sparkline import sparkline


def _heights(div) -> list[str | None]:
    return [None if bar.className == "sparkline-gap" else bar.style["height"] for bar in div.children]


def test_bars_scale_from_zero_to_the_highest_value() -> None:
    div = sparkline([10, 50, None, 100], "CPU", " %")
    assert div.className == "sparkline"
    assert _heights(div) == ["10%", "50%", None, "100%"]
    assert "min 10 %" in div.title
    assert "max 100 %" in div.title


def test_long_series_are_averaged_into_at_most_the_bar_count() -> None:
    div = sparkline(list(range(400)), "requests/s", bars=40)
    assert len(div.children) == 40
    assert _heights(div)[-1] == "100%"


def test_fewer_than_two_values_is_a_note_not_a_flat_line() -> None:
    for values in ([], [None, math.nan], [3.0]):
        assert "no trend" in sparkline(values, "x").children
