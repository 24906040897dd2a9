"""Model and Drift figure builders: axis titles, AUC in the legend, and explained empty states."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import plotly.graph_objects as go

from analytics.drift import PSI_MODERATE, PSI_SIGNIFICANT
from dashboard import figures_drift as fd
from dashboard import figures_model as fm
from dashboard.tables_drift import drift_table

BANDS = (PSI_MODERATE, PSI_SIGNIFICANT)

CURVES = pd.DataFrame(
    {
        "model": ["a", "a", "a", "b", "b"],
        "curve": ["roc", "roc", "pr", "roc", "roc"],
        "point": [0, 1, 0, 0, 1],
        "x": [0.0, 1.0, 0.5, 0.0, 1.0],
        "y": [0.0, 1.0, 0.7, 0.0, 1.0],
        "threshold": [None, 0.5, 0.5, None, 0.4],
        "n": [None] * 5,
    }
)


def _annotation(fig) -> str:
    return fig.layout.annotations[0].text


def test_roc_legend_carries_each_models_auc_and_undefined() -> None:
    fig = fm.make_roc_figure(CURVES, {"a": 0.8123, "b": None}, "r")
    assert [t.name for t in fig.data] == ["a (AUC 0.812)", "b (AUC undefined)", "chance"]
    assert fig.layout.xaxis.title.text == "false positive rate"
    assert fig.layout.uirevision == "r"


def test_empty_states_say_why() -> None:
    empty = CURVES.iloc[0:0]
    assert "labelled" in _annotation(fm.make_roc_figure(empty, {}))
    assert "labelled" in _annotation(fm.make_confusion_figure(None))
    assert "No evaluations" in _annotation(fm.make_quality_figure(pd.DataFrame(), "a"))
    assert "reference" in _annotation(fd.make_psi_heatmap_figure(pd.DataFrame(), BANDS))
    assert "Pick a feature" in _annotation(fd.make_distribution_figure(None, None))


def test_confusion_heatmap_and_psi_heatmap() -> None:
    fig = fm.make_confusion_figure({"model": "a", "tp": 5, "fp": 1, "tn": 7, "fn": 2})
    assert [list(r) for r in fig.data[0].z] == [[7, 1], [2, 5]]
    assert fig.layout.yaxis.title.text == "true label"
    t0 = datetime(2026, 1, 1)
    series = pd.DataFrame(
        {
            "ts": [t0, t0 + timedelta(seconds=30), t0, t0],
            "feature": ["x", "x", "y", "__score__"],
            "psi": [0.01, 0.4, 0.02, 0.3],
            "ks_statistic": [0.1, 0.3, 0.1, 0.2],
            "verdict": ["none"] * 4,
        }
    )
    heat = fd.make_psi_heatmap_figure(series, BANDS)
    assert list(heat.data[0].y) == ["x", "y"]
    assert heat.layout.xaxis.title.text == "time (UTC)"
    score = fd.make_score_drift_figure(series, BANDS)
    assert [t.name for t in score.data] == ["PSI", "KS statistic"]


def test_drift_table_has_badges_and_an_empty_note() -> None:
    row = {
        "impact_rank": 1,
        "feature": "income",
        "verdict": "significant",
        "psi": 0.5,
        "ks_statistic": 0.3,
        "ks_pvalue": 0.0,
        "importance": 0.2,
        "impact": 0.1,
        "current_count": 500,
        "reference_count": 5000,
    }
    assert "SIGNIFICANT" in str(drift_table([row]))
    assert "No drift results" in str(drift_table([]))


def test_model_figures_are_valid_plotly_with_text_titles() -> None:
    """The Model builders skip plotly.py's validation (fast_figure.frame): validating the result must pass,
    and every title must be plotly.js's {"text": ...} form."""
    t0 = datetime(2026, 1, 1)
    calibration = pd.DataFrame(
        {
            "model": ["a"] * 2,
            "curve": ["calibration"] * 2,
            "point": [0, 1],
            "x": [0.2, 0.8],
            "y": [0.1, 0.9],
            "threshold": [None] * 2,
            "n": [10, 12],
        }
    )
    quality = pd.DataFrame(
        {
            "ts": [t0, t0 + timedelta(minutes=5)],
            "auc": [0.9, None],
            "precision": 0.8,
            "recall": 0.7,
            "accuracy": 0.85,
            "estimated_accuracy": 0.84,
            "labelled_share": 0.8,
        }
    )
    importance = pd.DataFrame({"ts": [t0, t0], "feature": ["x", "y"], "method": ["permutation"] * 2, "importance": [0.1, 0.2]})
    figures = [
        fm.make_roc_figure(CURVES, {"a": 0.8}),
        fm.make_pr_figure(CURVES, {"a": 0.7}),
        fm.make_calibration_figure(calibration),
        fm.make_confusion_figure({"model": "a", "tp": 1, "fp": 2, "tn": 3, "fn": 4}),
        fm.make_quality_figure(quality, "a", "r"),
        fm.make_importance_figure(importance, "a"),
        fm.make_importance_time_figure(importance),
    ]
    for fig in figures:
        layout = fig.to_plotly_json()["layout"]
        go.Figure(fig.to_plotly_json())
        assert isinstance(layout["title"], dict)
        assert layout["uirevision"] in ("", "r")
        assert all(isinstance(v["title"], dict) for k, v in layout.items() if k.startswith(("xaxis", "yaxis")))
    assert [t.name for t in figures[4].data][:2] == ["AUC", "precision"]
    assert figures[4].layout.xaxis.title.text == "time (UTC)"
    assert figures[5].layout.barmode == "group"
    assert figures[5].layout.height == 420
    assert list(figures[5].layout.yaxis.categoryarray) == ["x", "y"]
