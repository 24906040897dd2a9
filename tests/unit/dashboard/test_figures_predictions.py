"""Predictions page builders: traces, axis titles with units, empty states, valid figures, grid rows."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import plotly.graph_objects as go
import pytest

from callbacks.demo import changes
from dashboard import figures_predictions as figs
from dashboard.pages.predictions import ALL, DEMO_SWITCHES, demo_panel, model_options, selected
from dashboard.tables_predictions import COLUMNS, ROW_CLASS_RULES, grid_note, prediction_rows, tolerance_note
from predictor.demo import SWITCHES

T0 = datetime(2026, 11, 27, 12, 0, 0)
MODELS = ("champion", "challenger")


def times(n: int) -> list[datetime]:
    return [T0 + timedelta(seconds=3 * i) for i in range(n)]


def series(n: int = 4) -> pd.DataFrame:
    """throughput_series: one row per bucket and model, latencies in seconds."""
    rows = [
        {
            "ts": ts,
            "model": m,
            "requests_per_second": 10.0 + i,
            "errors_per_second": 0.1,
            "p50": 0.001,
            "p95": 0.004,
            "p99": 0.009,
        }
        for m in MODELS
        for i, ts in enumerate(times(n))
    ]
    return pd.DataFrame(rows)


def titles(fig: go.Figure) -> tuple[str, str, str]:
    return fig.layout.title.text, fig.layout.xaxis.title.text, fig.layout.yaxis.title.text


def assert_valid(fig: go.Figure) -> None:
    """Builders skip plotly.py's layout validation for speed: validating the result must still pass,
    and every title must be plotly.js's {"text": ...} form (plotly.js 3+ ignores bare strings)."""
    layout = fig.to_plotly_json()["layout"]
    go.Figure(fig.to_plotly_json())  # raises ValueError on any invalid property
    assert isinstance(layout["title"], dict)
    for name, value in layout.items():
        if name.startswith(("xaxis", "yaxis")):
            assert isinstance(value["title"], dict), name


def test_throughput_has_one_line_per_model_and_in_flight_on_a_second_axis() -> None:
    in_flight = pd.DataFrame({"ts": times(4), "in_flight": [0, 1, 3, 1], "active_models": [2] * 4})
    fig = figs.make_throughput_figure(series(), in_flight, revision="15m:all")
    assert [t.name for t in fig.data] == ["challenger", "champion", "in flight"]
    assert list(fig.data[1].y) == [10.0, 11.0, 12.0, 13.0]
    assert fig.data[2].yaxis == "y2"
    assert fig.layout.yaxis2.overlaying == "y"
    assert titles(fig) == ("Throughput", "time (UTC)", "requests/s")
    assert fig.layout.yaxis2.title.text == "in flight (requests)"
    assert fig.layout.uirevision == "15m:all"
    assert_valid(fig)


def test_throughput_without_service_samples_still_draws_the_requests() -> None:
    fig = figs.make_throughput_figure(series(), pd.DataFrame(columns=["ts", "in_flight"]))
    assert [t.name for t in fig.data] == ["challenger", "champion"]


def test_latency_percentiles_are_in_milliseconds() -> None:
    fig = figs.make_latency_figure(series(2), revision="1h:champion")
    assert [t.name for t in fig.data] == [f"{m} {p}" for m in sorted(MODELS) for p in ("p50", "p95", "p99")]
    assert list(fig.data[1].y) == pytest.approx([4.0, 4.0])
    assert titles(fig) == ("Latency percentiles", "time (UTC)", "latency (ms)")
    assert_valid(fig)


def test_latency_histogram_uses_a_log_axis_and_spans_each_bin() -> None:
    hist = pd.DataFrame({"model": ["champion"] * 3, "latency_ms": [1.0, 10.0, 100.0], "requests": [5, 9, 2]})
    fig = figs.make_latency_histogram_figure(hist)
    (bar,) = fig.data
    assert bar.type == "bar"
    assert bar.name == "champion"
    assert list(bar.y) == [5, 9, 2]
    assert fig.layout.xaxis.type == "log"
    assert titles(fig) == ("Latency distribution", "latency (ms)", "requests")
    step = 10**0.1  # a bar spans [edge, edge * step]: centre - width / 2 is the edge
    assert [x - w / 2 for x, w in zip(bar.x, bar.width, strict=True)] == pytest.approx([1.0, 10.0, 100.0])
    assert [x + w / 2 for x, w in zip(bar.x, bar.width, strict=True)] == pytest.approx([step, 10 * step, 100 * step])
    assert_valid(fig)


def test_errors_stack_by_kind_over_every_bucket_with_requests() -> None:
    ts = times(4)
    errors = pd.DataFrame(
        {"ts": [ts[1], ts[1], ts[3]], "error_kind": ["timeout", "validation_error", "timeout"], "error_percent": [2.0, 3.0, 10.0]}
    )
    fig = figs.make_error_figure(errors, ts, revision="5m:all")
    assert [t.name for t in fig.data] == ["timeout", "validation_error"]
    assert {t.stackgroup for t in fig.data} == {"errors"}
    assert list(fig.data[0].y) == [0.0, 2.0, 0.0, 10.0]  # buckets without errors are 0, not gaps
    assert titles(fig) == ("Errors by kind", "time (UTC)", "% of requests")
    assert_valid(fig)


def test_errors_chart_says_none_when_requests_all_succeeded() -> None:
    fig = figs.make_error_figure(pd.DataFrame(columns=["ts", "error_kind", "error_percent"]), times(3))
    assert [t.name for t in fig.data] == ["no errors"]
    assert list(fig.data[0].y) == [0.0, 0.0, 0.0]


def test_success_rate_and_labelled_share_per_model() -> None:
    success = pd.DataFrame(
        {
            "ts": times(2) * 2,
            "model": ["champion"] * 2 + ["challenger"] * 2,
            "success_percent": [90.0, None, 80.0, 85.0],
            "labelled_percent": [50.0, 0.0, 40.0, 10.0],
        }
    )
    fig = figs.make_success_figure(success, revision="15m:all")
    assert [t.name for t in fig.data] == ["challenger success", "challenger labelled", "champion success", "champion labelled"]
    assert fig.data[3].line.dash == "dot"
    assert titles(fig) == ("Success rate as labels arrive", "time (UTC)", "%")
    assert tuple(fig.layout.yaxis.range) == (0, 100)
    assert_valid(fig)


def test_empty_frames_explain_where_predictions_come_from() -> None:
    empty = pd.DataFrame()
    for fig in (
        figs.make_throughput_figure(empty, empty),
        figs.make_latency_figure(empty),
        figs.make_error_figure(empty, []),
        figs.make_success_figure(empty),
    ):
        assert not fig.data
        assert fig.layout.xaxis.visible is False
        assert "No predictions in this range yet" in fig.layout.annotations[0].text
        assert "POST /api/predictions" in fig.layout.annotations[0].text
    hist = figs.make_latency_histogram_figure(empty)
    assert not hist.data
    assert "No successful predictions" in hist.layout.annotations[0].text


def test_latency_chart_of_only_failed_requests_says_so() -> None:
    failed = series(2).assign(p50=None, p95=None, p99=None)
    fig = figs.make_latency_figure(failed)
    assert not fig.data
    assert "No successful predictions" in fig.layout.annotations[0].text


def test_grid_rows_format_times_and_latency() -> None:
    rows = prediction_rows(
        [
            {
                "id": "a",
                "timestamp": T0 + timedelta(microseconds=123456),
                "model": "champion",
                "model_version": "1",
                "score": 0.123456,
                "predicted_label": 0,
                "label": None,
                "status": "pending",
                "latency_seconds": 0.0012345,
                "error_kind": None,
            }
        ]
    )
    assert rows == [
        {
            "id": "a",
            "timestamp": "2026-11-27 12:00:00.123",
            "model": "champion",
            "model_version": "1",
            "status": "pending",
            "score": 0.1235,
            "predicted_label": 0,
            "label": None,
            "latency_ms": 1.23,
            "error_kind": None,
        }
    ]
    assert {c["field"] for c in COLUMNS} == set(rows[0])
    assert set(ROW_CLASS_RULES) == {f"pw-status-{s}" for s in ("success", "failure", "pending", "error")}


def test_grid_note_explains_an_empty_grid() -> None:
    assert "POST /api/predictions" in grid_note(0, 200, filtered=False)
    assert "match" in grid_note(0, 200, filtered=True)
    assert grid_note(200, 200, filtered=False) == "The 200 newest predictions (at most 200)."


def test_selects_and_demo_switches() -> None:
    assert model_options(["a"]) == [{"label": "All models", "value": ALL}, {"label": "a", "value": "a"}]
    assert selected(ALL) is None
    assert selected("") is None
    assert selected("a") == "a"
    assert tuple(DEMO_SWITCHES) == SWITCHES


def test_demo_panel_shows_switches_in_demo_mode_and_a_note_without_it() -> None:
    panel = demo_panel({"input_drift": False, "concept_drift": False, "load_spike": False, "error_burst": True})
    switches = panel.children[1].children[0]
    assert switches.value == ["error_burst"]
    assert [o["value"] for o in switches.options] == list(SWITCHES)
    assert "--no-demo" in demo_panel(None).children


def test_a_click_sets_only_the_switches_that_changed() -> None:
    state = {"input_drift": False, "concept_drift": False, "load_spike": True, "error_burst": False}
    assert changes(["load_spike", "error_burst"], state) == {"error_burst": True}
    assert changes([], state) == {"load_spike": False}
    assert changes(None, {name: False for name in SWITCHES}) == {}


def test_the_tolerance_note_says_what_success_means_for_each_regression_model() -> None:
    note = tolerance_note({"loan-amount": (0.0, 0.1), "price": (500.0, 0.05), "delay": (2.5, 0.0)})
    assert "delay within 2.5;" in note
    assert "loan-amount within 10% of the label;" in note
    assert note.endswith("price within 500 or 5% of the label.")
    assert tolerance_note({}) == ""
