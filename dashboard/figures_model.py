"""Pure figure builders of the Model page: ROC and PR curves, confusion matrix, calibration, quality
over time, feature importance. DataFrames in, go.Figure out; no I/O."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import TIME_AXIS, empty_figure
from dashboard.theme import FIGURE_LAYOUT, SERIES

UNIT_AXIS = dict(range=[0, 1.02], tickformat=".1f")
NO_EVALUATION = "No evaluation with enough labelled predictions yet (the evaluation job runs every interval)"
QUALITY_LINES = {"auc": "AUC", "precision": "precision", "recall": "recall", "accuracy": "accuracy (measured)",
                 "estimated_accuracy": "accuracy (estimated)", "labelled_share": "labelled share"}


def _area_text(value: float | None) -> str:
    return "undefined" if value is None or pd.isna(value) else f"{value:.3f}"


def _frame(title: str, revision: str, xaxis: dict, yaxis: dict, hovermode: str = "closest") -> go.Figure:
    fig = go.Figure()
    fig.update_layout(**{**FIGURE_LAYOUT, "hovermode": hovermode}, title=title, uirevision=revision,
                      xaxis=xaxis, yaxis=yaxis)
    return fig


def _curve_figure(curves: pd.DataFrame, kind: str, areas: Mapping[str, float | None], revision: str,
                  title: str, axes: tuple[str, str], area_name: str) -> go.Figure:
    part = curves[curves["curve"] == kind] if not curves.empty else curves
    if part.empty:
        return empty_figure(title, NO_EVALUATION)
    fig = _frame(title, revision, dict(title=axes[0], **UNIT_AXIS), dict(title=axes[1], **UNIT_AXIS))
    for i, (model, points) in enumerate(part.groupby("model", sort=True)):
        fig.add_scatter(x=points["x"], y=points["y"], mode="lines", line=dict(color=SERIES[i % len(SERIES)]),
                        name=f"{model} ({area_name} {_area_text(areas.get(model))})")
    return fig


def make_roc_figure(curves: pd.DataFrame, aucs: Mapping[str, float | None], revision: str = "") -> go.Figure:
    """One ROC curve per model with its AUC in the legend, and the chance diagonal."""
    fig = _curve_figure(curves, "roc", aucs, revision, "ROC curve",
                        ("false positive rate", "true positive rate"), "AUC")
    if fig.data:
        fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance", line=dict(color="#adb5bd", dash="dot"))
    return fig


def make_pr_figure(curves: pd.DataFrame, average_precision: Mapping[str, float | None], revision: str = "") -> go.Figure:
    return _curve_figure(curves, "pr", average_precision, revision, "Precision-recall curve",
                         ("recall", "precision"), "AP")


def make_calibration_figure(curves: pd.DataFrame, revision: str = "") -> go.Figure:
    """Observed positive rate against mean score per score bin; a calibrated model lies on the diagonal."""
    part = curves[curves["curve"] == "calibration"] if not curves.empty else curves
    if part.empty:
        return empty_figure("Calibration", NO_EVALUATION)
    fig = _frame("Calibration", revision, dict(title="mean predicted score", **UNIT_AXIS),
                 dict(title="observed positive rate", **UNIT_AXIS))
    fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfectly calibrated",
                    line=dict(color="#adb5bd", dash="dot"))
    for i, (model, points) in enumerate(part.groupby("model", sort=True)):
        fig.add_scatter(x=points["x"], y=points["y"], mode="lines+markers", name=str(model),
                        line=dict(color=SERIES[i % len(SERIES)]), customdata=points["n"],
                        hovertemplate="score %{x:.2f}: %{y:.2f} positive (%{customdata} rows)")
    return fig


def make_confusion_figure(evaluation: Mapping[str, Any] | None, revision: str = "") -> go.Figure:
    """The selected model's confusion matrix at its threshold (counts of labelled predictions)."""
    title = "Confusion matrix" + (f": {evaluation['model']}" if evaluation else "")
    if not evaluation or not any(evaluation.get(k) for k in ("tp", "fp", "tn", "fn")):
        return empty_figure(title, "No labelled predictions in this window yet")
    z = [[evaluation["tn"], evaluation["fp"]], [evaluation["fn"], evaluation["tp"]]]
    fig = _frame(title, revision, dict(title="predicted label"), dict(title="true label", autorange="reversed"))
    fig.add_heatmap(z=z, x=["0 (negative)", "1 (positive)"], y=["0 (negative)", "1 (positive)"],
                    colorscale="Blues", text=z, texttemplate="%{text}", showscale=False,
                    hovertemplate="true %{y}, predicted %{x}: %{z} predictions<extra></extra>")
    return fig


def make_quality_figure(series: pd.DataFrame, model: str | None, revision: str = "") -> go.Figure:
    """AUC, precision, recall, measured and estimated accuracy and labelled share (0-1) over time."""
    title = "Quality over time" + (f": {model}" if model else "")
    if series.empty:
        return empty_figure(title, "No evaluations in this range yet")
    fig = _frame(title, revision, TIME_AXIS, dict(title="value (0-1)", **UNIT_AXIS), hovermode="x unified")
    for i, (column, name) in enumerate(QUALITY_LINES.items()):
        dash = "dash" if column == "estimated_accuracy" else "dot" if column == "labelled_share" else "solid"
        fig.add_scatter(x=series["ts"], y=series[column], name=name, mode="lines",
                        line=dict(color=SERIES[i % len(SERIES)], dash=dash), connectgaps=False)
    return fig


def make_importance_figure(latest: pd.DataFrame, model: str | None, revision: str = "") -> go.Figure:
    """Latest importance of each feature, permutation (AUC lost when shuffled) beside the model's own."""
    title = "Feature importance" + (f": {model}" if model else "")
    if latest.empty:
        return empty_figure(title, "No importance measured yet (needs labelled predictions of a built-in model)")
    order = latest[latest["method"] == latest["method"].iloc[-1]].sort_values("importance")["feature"].tolist()
    fig = _frame(title, revision, dict(title="importance"), dict(title="feature", categoryorder="array",
                                                                 categoryarray=order))
    names = {"permutation": "permutation (AUC drop)", "model": "model's own (share)"}
    for i, (method, part) in enumerate(latest.groupby("method", sort=True)):
        fig.add_bar(x=part["importance"], y=part["feature"], orientation="h", name=names.get(method, method),
                    marker_color=SERIES[i % len(SERIES)])
    fig.update_layout(barmode="group", height=420)
    return fig


def make_importance_time_figure(series: pd.DataFrame, revision: str = "") -> go.Figure:
    """Permutation importance of each feature over time (the model's own when none was measured)."""
    if series.empty:
        return empty_figure("Importance over time", "No importance measured in this range yet")
    method = "permutation" if (series["method"] == "permutation").any() else "model"
    part = series[series["method"] == method]
    fig = _frame(f"Importance over time ({method})", revision, TIME_AXIS, dict(title="importance"),
                 hovermode="x unified")
    for i, (feature, points) in enumerate(part.groupby("feature", sort=True)):
        fig.add_scatter(x=points["ts"], y=points["importance"], name=str(feature), mode="lines",
                        line=dict(color=SERIES[i % len(SERIES)]))
    return fig
