"""States a person understands: a sentence instead of bare axes (loading, no data, every value missing),
legends clear of titles, the from-to pick's reason, the Tables card without wrong sizes."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.drift import PSI_MODERATE, PSI_SIGNIFICANT
from dashboard import figures_database as fdb
from dashboard import figures_drift as fd
from dashboard import figures_model as fm
from dashboard.alert_shading import add_alert_periods
from dashboard.fast_figure import LOADING_FIGURE, empty_figure, nothing_to_draw
from dashboard.tables_database import table_size_table
from dashboard.timekeys import picked_range
from tests.unit.dashboard.figure_checks import assert_valid

BANDS = (PSI_MODERATE, PSI_SIGNIFICANT)
T0 = datetime(2026, 1, 1)


def _sentence(fig: go.Figure) -> str:
    """The one annotation of an empty state, after checking both axes are hidden."""
    assert fig.layout.xaxis.visible is False
    assert fig.layout.yaxis.visible is False
    assert len(fig.layout.annotations) == 1
    return fig.layout.annotations[0].text


def test_loading_figure_hides_the_axes_and_says_it_is_loading() -> None:
    go.Figure(LOADING_FIGURE)  # valid plotly
    layout = LOADING_FIGURE["layout"]
    assert layout["xaxis"] == {"visible": False}
    assert layout["yaxis"] == {"visible": False}
    assert layout["annotations"][0]["text"].startswith("Loading")


def test_nothing_to_draw() -> None:
    assert nothing_to_draw([])
    assert nothing_to_draw([np.nan, None])
    assert nothing_to_draw(pd.DataFrame({"a": [None]}))
    assert not nothing_to_draw([np.nan, 0.0])


def test_drift_with_every_value_missing_says_so_instead_of_a_year_2000_axis() -> None:
    series = pd.DataFrame(
        {
            "ts": [T0, T0 + timedelta(seconds=30), T0],
            "feature": ["x", "y", "__score__"],
            "psi": [None, None, None],
            "ks_statistic": [None] * 3,
            "verdict": ["insufficient_data"] * 3,
        }
    )
    assert "Too few rows" in _sentence(fd.make_psi_heatmap_figure(series, BANDS))
    assert "Too few rows" in _sentence(fd.make_score_drift_figure(series, BANDS))
    assert "reference" in _sentence(fd.make_psi_heatmap_figure(series.iloc[0:0], BANDS))


def test_quality_with_every_metric_missing_says_why() -> None:
    quality = pd.DataFrame(
        {
            "ts": [T0],
            "auc": [None],
            "precision": [None],
            "recall": [None],
            "accuracy": [None],
            "estimated_accuracy": [None],
            "labelled_share": [None],
        }
    )
    assert "enough labelled" in _sentence(fm.make_quality_figure(quality, "a"))


def test_importance_over_time_legend_stands_beside_the_plot_not_over_the_title() -> None:
    importance = pd.DataFrame(
        {
            "ts": [T0] * 8,
            "feature": [f"feature_{i}" for i in range(8)],
            "method": ["permutation"] * 8,
            "importance": np.linspace(0, 0.2, 8),
        }
    )
    sent = assert_valid(fm.make_importance_time_figure(importance))
    legend = sent["layout"]["legend"]
    assert legend["orientation"] == "v"
    assert legend["x"] >= 1
    assert legend["xanchor"] == "left"
    assert sent["layout"]["margin"]["r"] >= 120  # room for the names


def test_an_empty_state_gets_no_alert_shading() -> None:
    periods = pd.DataFrame(
        {
            "start": [T0],
            "end": [T0 + timedelta(minutes=1)],
            "severity": ["critical"],
            "rule": ["latency"],
            "metric": ["latency_seconds_avg"],
        }
    )
    fig = add_alert_periods(empty_figure("Latency", "No predictions"), periods)
    assert not fig.layout.shapes


def test_from_to_pick_says_why_it_was_refused() -> None:
    assert picked_range("2026-03-01T10:00", "2026-03-01T11:00") == ("abs:2026-03-01T10:00:00/2026-03-01T11:00:00", "")
    value, why = picked_range("", "2026-03-01T11:00")
    assert value is None
    assert "from" in why
    assert "UTC" in why
    value, why = picked_range("not a date", None)
    assert value is None
    assert "from and to" in why
    value, why = picked_range("2026-03-01T12:00", "2026-03-01T11:00")
    assert value is None
    assert "before" in why


def test_tables_card_shows_rows_and_keys_but_no_per_table_size() -> None:
    card = str(table_size_table([{"table_name": "predictions", "row_count": 1200, "size_bytes": 0, "index_count": 1}], None))
    assert "1,200" in card
    assert "keys + indexes" in card
    assert "0 B" not in card
    assert "'size'" not in card


def test_scan_chart_of_queries_that_read_nothing_says_so() -> None:
    scans = pd.DataFrame({"query": ["scan.a", "scan.b"], "rows_scanned": [0, 0], "rows_returned": [0, 0]})
    assert "read no rows" in _sentence(fdb.make_scan_figure(scans))
