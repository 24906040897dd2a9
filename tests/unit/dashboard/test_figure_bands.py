"""The Model page shows how sure its figures are: 95 % bands under AUC and accuracy (MAE for a regression
model) over time, "± half-width" in the ROC legend, the summary line and the regression cards."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import figures_model as fm
from dashboard import figures_regression as fr
from dashboard.bands import Z95, plus_minus
from dashboard.pages.model_text import summary_text

T0 = datetime(2026, 3, 1, 12)
QUALITY = pd.DataFrame(
    {
        "ts": [T0, T0 + timedelta(minutes=5), T0 + timedelta(minutes=10)],
        "auc": [0.81, 0.99, np.nan],
        "auc_se": [0.03, 0.01, np.nan],
        "precision": 0.8,
        "recall": 0.7,
        "accuracy": [0.85, 0.84, np.nan],
        "accuracy_lo": [0.80, 0.79, np.nan],
        "accuracy_hi": [0.89, 0.88, np.nan],
        "estimated_accuracy": 0.84,
        "labelled_share": 0.8,
    }
)
CURVES = pd.DataFrame({"model": ["a"] * 2, "curve": ["roc"] * 2, "point": [0, 1], "x": [0.0, 1.0], "y": [0.0, 1.0]})


def _trace(fig: go.Figure, name: str):
    (found,) = [t for t in fig.data if t.name == name]
    return found


def test_the_auc_band_is_its_figure_plus_minus_two_standard_errors_within_0_1() -> None:
    fig = fm.make_quality_figure(QUALITY, "a", "r")
    upper = _trace(fig, "AUC 95 % interval")
    assert list(upper.y[:2]) == pytest.approx([0.81 + Z95 * 0.03, 1.0])


def test_the_auc_bands_lower_edge_is_its_figure_minus_two_standard_errors() -> None:
    fig = fm.make_quality_figure(QUALITY, "a", "r")
    assert list(_trace(fig, "AUC 95 % lower").y[:2]) == pytest.approx([0.81 - Z95 * 0.03, 0.99 - Z95 * 0.01])


def test_the_auc_band_is_filled_down_to_its_lower_edge() -> None:
    fig = fm.make_quality_figure(QUALITY, "a", "r")
    assert _trace(fig, "AUC 95 % interval").fill == "tonexty"


def test_the_accuracy_band_is_the_stored_wilson_interval() -> None:
    fig = fm.make_quality_figure(QUALITY, "a", "r")
    assert list(_trace(fig, "accuracy 95 % interval").y[:2]) == [0.89, 0.88]


def test_lines_are_drawn_over_their_bands_and_the_figure_is_valid() -> None:
    fig = fm.make_quality_figure(QUALITY, "a", "r")
    go.Figure(fig.to_plotly_json())  # validates every trace
    names = [t.name for t in fig.data]
    assert names.index("AUC") > names.index("AUC 95 % interval")


def test_a_series_without_errors_draws_no_band() -> None:
    fig = fm.make_quality_figure(QUALITY.drop(columns=["auc_se", "accuracy_lo", "accuracy_hi"]), "a", "r")
    assert not [t for t in fig.data if "95 %" in (t.name or "")]


def test_a_regression_models_quality_over_time_is_its_mae_over_its_band() -> None:
    series = pd.DataFrame({"ts": QUALITY["ts"], "mae": [120.0, 130.0, 125.0], "mae_se": [5.0, 6.0, 5.0], "rmse": 150.0})
    series = series.assign(**{c: np.nan for c in fm.QUALITY_LINES})
    fig = fm.make_quality_figure(series, "loan", "r")
    assert list(_trace(fig, "MAE 95 % interval").y) == pytest.approx([120 + Z95 * 5, 130 + Z95 * 6, 125 + Z95 * 5])


def test_the_roc_legend_carries_the_auc_plus_minus_its_half_width() -> None:
    fig = fm.make_roc_figure(CURVES, {"a": 0.8123}, "r", {"a": 0.0153})
    assert fig.data[0].name == "a (AUC 0.812 ± 0.030)"


def test_the_summary_line_shows_the_headline_figures_with_their_half_widths() -> None:
    row = {"model": "a", "model_version": "1", "predictions": 250, "labelled": 200, "labelled_share": 0.8}
    row |= {"ts": T0, "status": "ok", "auc": 0.81, "auc_se": 0.0153, "accuracy": 0.85, "accuracy_lo": 0.79, "accuracy_hi": 0.89}
    assert "AUC 0.81 ± 0.03, accuracy 0.85 ± 0.05" in summary_text(row, 50)


def test_the_regression_cards_show_mae_plus_minus_its_half_width() -> None:
    figures = {"labelled": 400, "mae": 1234.0, "mae_se": 28.0, "rmse": 1500.0, "rmse_se": None, "r2": 0.5, "mean_error": 3.0}
    texts = [a.text for a in fr.make_regression_cards("loan", figures).layout.annotations]
    assert texts[0].startswith("<span style='font-size:26px'>1,234 ± 55</span>")


@pytest.mark.parametrize(
    ("value", "half", "expected"), [(0.5, None, "0.50"), (None, 0.1, "undefined"), (0.5, float("nan"), "0.50")]
)
def test_plus_minus_without_a_half_width_or_a_figure(value, half, expected: str) -> None:
    assert plus_minus(value, half) == expected


def test_a_band_has_no_legend_entry_and_toggles_with_its_line() -> None:
    fig = fm.make_quality_figure(QUALITY, "a", "r")
    band = _trace(fig, "AUC 95 % interval")
    assert band.showlegend is False
    assert band.legendgroup == _trace(fig, "AUC").legendgroup
