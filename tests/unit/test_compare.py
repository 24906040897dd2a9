"""Compare periods, the pure part: shifting an earlier period onto the current axis, labels, notes,
and the figures' earlier traces (validated, since the builders skip plotly's validation)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import compare
from dashboard import figures_model as fm
from dashboard import figures_predictions as figs

T0 = datetime(2026, 11, 27, 12, 0, 0)
DAY = timedelta(days=1)


def series(start: datetime, rate: float, p95: float = 0.004, n: int = 3) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "ts": start + timedelta(seconds=12 * i),
                "model": m,
                "requests_per_second": rate,
                "errors_per_second": rate / 10,
                "p50": 0.001,
                "p95": p95,
                "p99": 0.009,
            }
            for m in ("a", "b")
            for i in range(n)
        ]
    )


def one_day_earlier(frame: pd.DataFrame) -> compare.Earlier:
    return compare.shift(frame, DAY, "1 d earlier")


def test_an_earlier_point_at_t_lands_at_t_plus_one_day_with_its_value_unchanged() -> None:
    before = pd.DataFrame({"ts": [T0 - DAY, T0 - DAY + timedelta(minutes=5)], "value": [1.5, 2.5]})
    earlier = one_day_earlier(before)
    assert list(earlier.frame["ts"]) == [T0, T0 + timedelta(minutes=5)]
    assert list(earlier.frame["value"]) == [1.5, 2.5]
    assert list(earlier.frame[compare.EARLIER_TIME]) == ["2026-11-26 12:00:00", "2026-11-26 12:05:00"]
    assert list(before["ts"]) == [T0 - DAY, T0 - DAY + timedelta(minutes=5)], "the input frame is left alone"


def test_periods_windows_and_trace_names() -> None:
    assert compare.period("off") is None
    assert compare.period(None) is None
    assert compare.period("bogus") is None
    assert compare.period("1w") == (timedelta(weeks=1), "1 wk earlier")
    assert compare.earlier_window(T0, T0 + timedelta(hours=1), DAY) == (T0 - DAY, T0 - DAY + timedelta(hours=1))
    assert compare.trace_name("model_a", one_day_earlier(pd.DataFrame({"ts": [T0]}))) == "model_a (1 d earlier)"
    assert [o["value"] for o in compare.OPTIONS] == ["off", "1d", "1w"]


def test_no_earlier_data_gives_the_note_and_the_change_line_says_so() -> None:
    empty = one_day_earlier(pd.DataFrame(columns=["ts", "model", "requests_per_second", "p95"]))
    assert empty.empty
    assert compare.note(empty) == "No data 1 d earlier: nothing to compare with"
    assert compare.note(None) is None
    assert compare.predictions_changes(series(T0, 10.0), empty) == "No data 1 d earlier: nothing to compare with"
    assert compare.predictions_changes(series(T0, 10.0), None) == ""


def test_the_change_line_states_both_values_and_the_change() -> None:
    now, before = series(T0, 11.0, p95=0.041), one_day_earlier(series(T0 - DAY, 10.0, p95=0.038))
    assert compare.predictions_changes(now, before) == (
        "throughput 22/s vs 20/s 1 d earlier (+10 %); typical p95 latency 41 ms vs 38 ms 1 d earlier (+8 %)."
    )
    assert compare.change_text("x", 1.0, 0.0, "", "1 d earlier") == "x 1 vs 0 1 d earlier"


def assert_valid(fig: go.Figure) -> None:
    go.Figure(fig.to_plotly_json())  # raises ValueError on any invalid property


def earlier_traces(fig: go.Figure) -> list:
    return [t for t in fig.data if t.name and "(1 d earlier)" in t.name]


def test_predictions_charts_overlay_the_earlier_period_dotted_with_its_real_time_in_the_hover() -> None:
    now, before = series(T0, 11.0), one_day_earlier(series(T0 - DAY, 10.0))
    throughput = figs.make_throughput_figure(now, pd.DataFrame(), "r", before)
    (a, b) = earlier_traces(throughput)
    assert (a.name, b.name) == ("a (1 d earlier)", "b (1 d earlier)")
    assert list(pd.to_datetime(a.x)) == [T0 + timedelta(seconds=12 * i) for i in range(3)]
    assert list(a.y) == [10.0] * 3
    assert a.line.dash == "dot"
    assert a.opacity < 1
    assert list(a.customdata)[0] == "2026-11-26 12:00:00"
    assert "%{customdata}" in a.hovertemplate
    assert throughput.layout.title.text == "Throughput"
    assert throughput.layout.legend.orientation == "v"
    latency = figs.make_latency_figure(now, "r", before)
    assert [t.name for t in earlier_traces(latency)] == [
        f"{m} {p} (1 d earlier)" for p in ("p50", "p95", "p99") for m in ("a", "b")
    ]
    assert list(earlier_traces(latency)[2].y) == pytest.approx([4.0] * 3)  # a p95: by percentile, then model
    errors = figs.make_error_figure(pd.DataFrame(), now["ts"].unique(), "r", before)
    (rate,) = earlier_traces(errors)
    assert rate.name == "error rate (1 d earlier)"
    assert list(rate.y) == pytest.approx([10.0] * 3)
    success = now.assign(success_percent=90.0, labelled_percent=50.0)
    earlier_success = one_day_earlier(success.assign(ts=success["ts"] - DAY, success_percent=80.0))
    assert [list(t.y) for t in earlier_traces(figs.make_success_figure(success, "r", earlier_success))] == [[80.0] * 3] * 2
    hist = pd.DataFrame({"model": ["a", "a"], "latency_ms": [1.0, 10.0], "requests": [5, 9]})
    outline = earlier_traces(
        figs.make_latency_histogram_figure(hist, "r", compare.shift(hist.assign(requests=[2, 3]), DAY, "1 d earlier"))
    )
    assert [t.type for t in outline] == ["bar"]
    assert list(outline[0].y) == [2, 3]
    for fig in (throughput, latency, errors):
        assert_valid(fig)


def test_a_chart_says_when_the_earlier_period_has_no_data() -> None:
    nothing = one_day_earlier(series(T0, 1.0).iloc[0:0])
    fig = figs.make_throughput_figure(series(T0, 11.0), pd.DataFrame(), "r", nothing)
    assert not earlier_traces(fig)
    assert "No data 1 d earlier" in fig.layout.title.text
    quality = pd.DataFrame(
        {
            "ts": [T0],
            "auc": [0.9],
            "precision": [0.8],
            "recall": [0.7],
            "accuracy": [0.85],
            "estimated_accuracy": [0.84],
            "labelled_share": [0.8],
        }
    )
    fig = fm.make_quality_figure(quality, "a", "r", nothing)
    assert "No data 1 d earlier" in fig.layout.title.text
    assert_valid(fig)


def test_quality_overlays_auc_and_measured_accuracy_of_the_earlier_period() -> None:
    quality = pd.DataFrame(
        {
            "ts": [T0, T0 + timedelta(minutes=5)],
            "auc": [0.9, 0.91],
            "precision": 0.8,
            "recall": 0.7,
            "accuracy": [0.85, 0.86],
            "estimated_accuracy": 0.84,
            "labelled_share": 0.8,
        }
    )
    earlier = one_day_earlier(quality.assign(ts=quality["ts"] - DAY, auc=[0.8, 0.81]))
    fig = fm.make_quality_figure(quality, "a", "r", earlier)
    assert [t.name for t in earlier_traces(fig)] == ["AUC (1 d earlier)", "accuracy (measured) (1 d earlier)"]
    assert list(earlier_traces(fig)[0].y) == [0.8, 0.81]
    assert list(pd.to_datetime(earlier_traces(fig)[0].x)) == list(quality["ts"])
    assert compare.quality_changes(quality, earlier).startswith("mean AUC 0.905 vs 0.805 1 d earlier (+12 %)")
    assert_valid(fig)
