"""Drift, Alerts and fleet builders and the alert shading, built without plotly.py's validation
(dashboard/fast_figure.py): each output must still validate, and shapes must match plotly's own helpers."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import plotly.graph_objects as go
import pytest

from analytics.drift import PSI_MODERATE, PSI_SIGNIFICANT
from dashboard import figures_alerts as fa
from dashboard import figures_drift as fd
from dashboard.alert_shading import add_alert_periods, period_marks
from dashboard.fast_figure import axis, frame, hline, line
from dashboard.figures_fleet import make_fleet_figure
from tests.unit.dashboard.figure_checks import assert_valid

BANDS = (PSI_MODERATE, PSI_SIGNIFICANT)

T0 = datetime(2026, 11, 27, 12, 0, 0)
PERIODS = pd.DataFrame(
    {
        "start": [T0, T0 + timedelta(minutes=5)],
        "end": [T0 + timedelta(minutes=1), T0 + timedelta(minutes=9)],
        "severity": ["critical", "warning"],
        "rule": ["cpu high", "cpu warm"],
        "metric": ["cpu_percent"] * 2,
    }
)


def series(n: int = 4) -> pd.DataFrame:
    return pd.DataFrame({"ts": [T0 + timedelta(seconds=10 * i) for i in range(n)], "value": [1.0, 5.0, 9.0, 2.0][:n]})


def test_a_malformed_trace_fails_validation() -> None:
    """The check the builders rely on: an unknown property or a bad value is caught by the tests."""
    for trace in (
        line(series()["ts"], series()["value"], "v", "#000", bogus=1),
        line(series()["ts"], series()["value"], "v", "#000", mode="linez"),
    ):
        with pytest.raises(ValueError):
            assert_valid(frame("t", "r", axis("y"), [trace]))


def test_shading_matches_plotlys_add_vrect() -> None:
    shapes, notes = period_marks(PERIODS)
    reference = go.Figure()
    for row in PERIODS.itertuples(index=False):
        color = {"critical": "#dc3545", "warning": "#ffc107"}[row.severity]
        reference.add_vrect(
            x0=row.start.isoformat(),
            x1=row.end.isoformat(),
            fillcolor=color,
            opacity=0.15,
            layer="below",
            line_width=0,
            name=f"alert {row.rule}",
            annotation_text=row.rule,
            annotation_position="top left",
            annotation_font=dict(size=10, color=color),
        )
    assert shapes == [s.to_plotly_json() for s in reference.layout.shapes]
    assert notes == [a.to_plotly_json() for a in reference.layout.annotations]


def test_hline_matches_plotlys_add_hline() -> None:
    reference = go.Figure()
    reference.add_hline(y=0.25, line=dict(color="#adb5bd", dash="dot"), annotation_text="PSI significant")
    shape, note = hline(0.25, "PSI significant", {"color": "#adb5bd", "dash": "dot"})
    assert shape == reference.layout.shapes[0].to_plotly_json()
    assert note == reference.layout.annotations[0].to_plotly_json()


def test_shading_is_added_to_a_chart_and_skipped_on_an_empty_state() -> None:
    fig = add_alert_periods(frame("CPU", "1h", axis("%"), [line(series()["ts"], series()["value"], "total", "#000")]), PERIODS)
    assert [s.name for s in fig.layout.shapes] == ["alert cpu high", "alert cpu warm"]
    assert [a.text for a in fig.layout.annotations] == ["cpu high", "cpu warm"]
    assert_valid(fig)
    empty = fa.empty_figure("CPU", "No samples")
    assert add_alert_periods(empty, PERIODS).layout.shapes == ()


def test_drift_figures_are_valid() -> None:
    drift = pd.DataFrame(
        {
            "ts": [T0, T0 + timedelta(seconds=30), T0, T0, T0 + timedelta(seconds=30)],
            "feature": ["x", "x", "y", "__score__", "__score__"],
            "psi": [0.01, 0.4, 0.02, 0.3, 0.1],
            "ks_statistic": [0.1, 0.3, 0.1, 0.2, 0.1],
        }
    )
    heat = fd.make_psi_heatmap_figure(drift, BANDS, "24h")
    assert list(heat.data[0].y) == ["x", "y"]
    assert list(heat.data[0].x) == ["2026-11-27T12:00:00", "2026-11-27T12:00:30"]
    assert heat.layout.height == 420
    assert heat.data[0].colorbar.title.text == "PSI"
    score = fd.make_score_drift_figure(drift, BANDS, "24h")
    assert [t.name for t in score.data] == ["PSI", "KS statistic"]
    assert list(score.data[0].y) == [0.3, 0.1]
    assert [a.text for a in score.layout.annotations] == ["PSI moderate", "PSI significant"]
    shares = pd.DataFrame(
        {"bin_start": [0.0, 1.0], "bin_end": [1.0, 2.0], "reference_share": [0.4, 0.6], "current_share": [0.5, 0.5]}
    )
    dist = fd.make_distribution_figure(shares, "income", "24h")
    assert [t.name for t in dist.data] == ["reference", "current window"]
    assert list(dist.data[0].x) == [0.5, 1.5]
    assert dist.layout.xaxis.title.text == "income (value)"
    assert dist.layout.barmode == "overlay"
    for fig in (heat, score, dist, fd.make_psi_heatmap_figure(pd.DataFrame(), BANDS), fd.make_distribution_figure(None, None)):
        assert_valid(fig)


def test_alert_figures_are_valid() -> None:
    timeline = fa.make_alert_timeline_figure(PERIODS, "1h")
    assert [t.name for t in timeline.data] == ["critical", "warning"]
    assert list(timeline.data[0].x) == ["2026-11-27T12:00:00", "2026-11-27T12:01:00", None]
    assert list(timeline.data[0].y) == ["cpu high", "cpu high", None]
    backtest = fa.make_backtest_figure(series(), [(T0, T0 + timedelta(seconds=20))], 80.0, "CPU", "%", "1h")
    assert [s.type for s in backtest.layout.shapes] == ["line", "rect"]
    assert [a.text for a in backtest.layout.annotations] == ["threshold 80 %", "would fire"]
    no_periods = fa.make_backtest_figure(series(), [], 80.0, "CPU", "%")
    assert len(no_periods.layout.shapes) == 1
    for fig in (
        timeline,
        backtest,
        no_periods,
        fa.make_alert_timeline_figure(PERIODS.iloc[0:0]),
        fa.make_backtest_figure(series().iloc[0:0], [], 1.0, "CPU", "%"),
    ):
        assert_valid(fig)


def test_fleet_figure_one_colour_per_instance_one_dash_per_metric() -> None:
    rows = [
        {"ts": T0 + timedelta(seconds=s), "instance": inst, "metric": m, "value": float(s)}
        for s in (10, 0)
        for inst in ("b:9", "a:9")
        for m in ("host_cpu_percent", "process_cpu_percent")
    ]
    fig = make_fleet_figure(
        pd.DataFrame(rows),
        "Fleet CPU",
        {"host_cpu_percent": "host", "process_cpu_percent": "proc"},
        dict(title="%", rangemode="tozero"),
        "1h",
    )
    assert [t.name for t in fig.data] == ["a:9 host", "a:9 proc", "b:9 host", "b:9 proc"]
    assert [t.line.dash for t in fig.data] == ["solid", "dash", "solid", "dash"]
    assert fig.data[0].line.color == fig.data[1].line.color != fig.data[2].line.color
    assert list(fig.data[0].y) == [0.0, 10.0]  # oldest first
    assert fig.layout.yaxis.title.text == "%"
    empty = make_fleet_figure(
        pd.DataFrame(columns=["ts", "instance", "metric", "value"]),
        "Fleet CPU",
        {"host_cpu_percent": ""},
        {},
        empty="unreachable",
    )
    assert empty.layout.annotations[0].text == "unreachable"
    for built in (fig, empty):
        assert_valid(built)


def test_a_long_backtest_is_thinned_keeping_every_runs_extremes() -> None:
    n = 100_000
    values = [50.0] * n
    values[12_345], values[77_777], values[5] = 99.0, 1.0, float("nan")
    long = pd.DataFrame({"ts": [T0 + timedelta(seconds=i) for i in range(n)], "value": values})
    kept = fa.thinned(long, max_points=1000)
    assert len(kept) <= 1000
    assert kept["ts"].is_monotonic_increasing
    assert {99.0, 1.0} <= set(kept["value"])
    assert not kept["value"].isna().any()
    fig = fa.make_backtest_figure(long, [], 90.0, "CPU", "%")
    assert len(fig.data[0].x) <= fa.MAX_POINTS
    assert max(fig.data[0].y) == 99.0
    assert fa.thinned(series()) is not None
    assert len(fa.thinned(series())) == 4


def test_times_are_iso_text_in_utc_with_gaps_for_missing() -> None:
    from dashboard.fast_figure import times

    assert list(times(pd.Series([T0, T0 + timedelta(seconds=1)]))) == ["2026-11-27T12:00:00", "2026-11-27T12:00:01"]
    assert list(times(pd.Series([T0, T0 + timedelta(milliseconds=500)]))) == [
        "2026-11-27T12:00:00.000",
        "2026-11-27T12:00:00.500",
    ]
    assert list(times(pd.Series([T0, None]))) == ["2026-11-27T12:00:00", None]
    assert list(times(pd.Series(pd.to_datetime(["2026-11-27T13:00:00+01:00"])))) == ["2026-11-27T12:00:00"]
    assert list(times([T0])) == ["2026-11-27T12:00:00"]
    assert len(times([])) == 0
