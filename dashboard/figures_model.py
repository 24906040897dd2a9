"""Pure figure builders of the Model page: ROC and PR curves, confusion matrix, calibration, quality
over time, feature importance. DataFrames in, go.Figure out; no I/O. Built unvalidated through
fast_figure.frame with plain-dict traces (the unit tests validate them)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go

from dashboard.bands import Z95, band_traces, plus_minus, se_half
from dashboard.compare import Earlier, earlier_line, note_margin, titled
from dashboard.fast_figure import LEAN_TEMPLATE, TIME, axis, frame, nothing_to_draw, numbers, times
from dashboard.figures import empty_figure
from dashboard.theme import FIGURE_LAYOUT, SERIES

if TYPE_CHECKING:
    import pandas as pd

UNIT_AXIS = dict(range=[0, 1.02], tickformat=".1f")
NO_EVALUATION = "No evaluation with enough labelled predictions yet (the evaluation job runs every interval)"
QUALITY_LINES = {
    "auc": "AUC",
    "precision": "precision",
    "recall": "recall",
    "accuracy": "accuracy (measured)",
    "estimated_accuracy": "accuracy (estimated)",
    "labelled_share": "labelled share",
}
# The lines overlaid from an earlier period: the headline two (all six twice would be twelve lines).
COMPARED_QUALITY = ("auc", "accuracy")
DIAGONAL = {"type": "scatter", "x": [0, 1], "y": [0, 1], "mode": "lines", "line": {"color": "#adb5bd", "dash": "dot"}}
# Only the trace types drawn here in each figure's template (the whole plotly_white cost ~3 ms a figure).
_frame = partial(frame, template=LEAN_TEMPLATE)


def _area_text(value: float | None, half: float | None = None) -> str:
    """The figure, and its 95 % half-width where known: "0.812 ± 0.031"."""
    return plus_minus(value, half, ".3f")


def _unit(title: str) -> dict:
    return axis(title, **UNIT_AXIS)


def _curve_figure(
    curves: pd.DataFrame,
    kind: str,
    areas: Mapping[str, float | None],
    revision: str,
    title: str,
    axes: tuple[str, str],
    area_name: str,
    halves: Mapping[str, float | None] | None = None,
) -> go.Figure | None:
    part = curves[curves["curve"] == kind] if not curves.empty else curves
    if part.empty:
        return None
    traces = [
        {
            "type": "scatter",
            "x": points["x"],
            "y": points["y"],
            "mode": "lines",
            "line": {"color": SERIES[i % len(SERIES)]},
            "name": f"{model} ({area_name} {_area_text(areas.get(str(model)), (halves or {}).get(str(model)))})",
        }
        for i, (model, points) in enumerate(part.groupby("model", sort=True))
    ]
    if kind == "roc":
        traces.append({**DIAGONAL, "name": "chance"})
    return _frame(title, revision, _unit(axes[1]), traces, _unit(axes[0]), hovermode="closest")


def make_roc_figure(
    curves: pd.DataFrame, aucs: Mapping[str, float | None], revision: str = "", auc_se: Mapping[str, float | None] | None = None
) -> go.Figure:
    """One ROC curve per model with its AUC in the legend (± its 95 % half-width, from `auc_se`), and the
    chance diagonal."""
    halves = {m: se_half(se) for m, se in (auc_se or {}).items()}
    axes = ("false positive rate", "true positive rate")
    fig = _curve_figure(curves, "roc", aucs, revision, "ROC curve", axes, "AUC", halves)
    return fig or empty_figure("ROC curve", NO_EVALUATION)


def make_pr_figure(curves: pd.DataFrame, average_precision: Mapping[str, float | None], revision: str = "") -> go.Figure:
    fig = _curve_figure(curves, "pr", average_precision, revision, "Precision-recall curve", ("recall", "precision"), "AP")
    return fig or empty_figure("Precision-recall curve", NO_EVALUATION)


def make_calibration_figure(curves: pd.DataFrame, revision: str = "") -> go.Figure:
    """Observed positive rate against mean score per score bin; a calibrated model lies on the diagonal."""
    part = curves[curves["curve"] == "calibration"] if not curves.empty else curves
    if part.empty:
        return empty_figure("Calibration", NO_EVALUATION)
    traces = [{**DIAGONAL, "name": "perfectly calibrated"}]
    traces += [
        {
            "type": "scatter",
            "x": points["x"],
            "y": points["y"],
            "mode": "lines+markers",
            "name": str(model),
            "line": {"color": SERIES[i % len(SERIES)]},
            "customdata": points["n"],
            "hovertemplate": "score %{x:.2f}: %{y:.2f} positive (%{customdata} rows)",
        }
        for i, (model, points) in enumerate(part.groupby("model", sort=True))
    ]
    return _frame(
        "Calibration", revision, _unit("observed positive rate"), traces, _unit("mean predicted score"), hovermode="closest"
    )


def make_confusion_figure(evaluation: Mapping[str, Any] | None, revision: str = "") -> go.Figure:
    """The selected model's confusion matrix at its threshold (counts of labelled predictions)."""
    title = "Confusion matrix" + (f": {evaluation['model']}" if evaluation else "")
    if not evaluation or not any(evaluation.get(k) for k in ("tp", "fp", "tn", "fn")):
        return empty_figure(title, "No labelled predictions in this window yet")
    z = [[evaluation["tn"], evaluation["fp"]], [evaluation["fn"], evaluation["tp"]]]
    labels = ["0 (negative)", "1 (positive)"]
    heatmap = {
        "type": "heatmap",
        "z": z,
        "x": labels,
        "y": labels,
        "colorscale": "Blues",
        "text": z,
        "texttemplate": "%{text}",
        "showscale": False,
        "hovertemplate": "true %{y}, predicted %{x}: %{z} predictions<extra></extra>",
    }
    return _frame(
        title, revision, axis("true label", autorange="reversed"), [heatmap], axis("predicted label"), hovermode="closest"
    )


def make_quality_figure(series: pd.DataFrame, model: str | None, revision: str = "", earlier: Earlier | None = None) -> go.Figure:
    """AUC, precision, recall, measured and estimated accuracy and labelled share (0-1) over time, AUC and
    accuracy over their 95 % intervals' bands where the series has them; a regression model's MAE (over its
    band) and RMSE instead; with `earlier`, that period's AUC and measured accuracy as dotted lines."""
    title = "Quality over time" + (f": {model}" if model else "")
    if series.empty:
        return empty_figure(title, "No evaluations in this range yet")
    if nothing_to_draw(series[list(QUALITY_LINES)]):
        if "mae" in series and not nothing_to_draw(series[["mae"]]):
            return _error_figure(series, title, revision)
        return empty_figure(title, "No evaluation in this range had enough labelled predictions to measure quality")
    colors = {column: SERIES[i % len(SERIES)] for i, column in enumerate(QUALITY_LINES)}
    x = times(series["ts"])  # once for the six lines: converting the times was half of building the figure
    traces = _quality_bands(series, x, colors) + [
        {
            "type": "scatter",
            "x": x,
            "y": numbers(series[column]),
            "name": name,
            "mode": "lines",
            "line": {
                "color": colors[column],
                "dash": "dash" if column == "estimated_accuracy" else "dot" if column == "labelled_share" else "solid",
            },
            "connectgaps": False,
            "legendgroup": column,  # its band (auc, accuracy) shows and hides with it
        }
        for column, name in QUALITY_LINES.items()
    ]
    if earlier is not None and not earlier.empty:
        traces += [
            earlier_line(earlier.frame, column, QUALITY_LINES[column], earlier, colors[column]) for column in COMPARED_QUALITY
        ]
    return _frame(
        titled(title, earlier), revision, _unit("value (0-1)"), traces, margin={**FIGURE_LAYOUT["margin"], **note_margin(earlier)}
    )


def _quality_bands(series: pd.DataFrame, x: Any, colors: Mapping[str, str]) -> list[dict[str, Any]]:
    """AUC's (its figure +- 1.96 standard errors, within 0-1) and accuracy's (Wilson) 95 % bands, where stored."""
    found: list[dict[str, Any]] = []
    if {"auc", "auc_se"} <= set(series):
        auc, half = numbers(series["auc"]), Z95 * numbers(series["auc_se"])
        found += band_traces(x, np.clip(auc - half, 0, 1), np.clip(auc + half, 0, 1), colors["auc"], "AUC", "auc")
    if {"accuracy_lo", "accuracy_hi"} <= set(series):
        lo, hi = numbers(series["accuracy_lo"]), numbers(series["accuracy_hi"])
        found += band_traces(x, lo, hi, colors["accuracy"], "accuracy", "accuracy")
    return found


def _error_figure(series: pd.DataFrame, title: str, revision: str) -> go.Figure:
    """A regression model's MAE over its 95 % band (+- 1.96 standard errors) and RMSE, in its own unit."""
    x = times(series["ts"])
    mae = numbers(series["mae"])
    half = Z95 * numbers(series["mae_se"]) if "mae_se" in series else np.full(len(mae), np.nan)
    traces = band_traces(x, mae - half, mae + half, SERIES[0], "MAE", "mae")
    for i, (column, name) in enumerate((("mae", "MAE"), ("rmse", "RMSE"))):
        if column in series:
            traces.append({"type": "scatter", "x": x, "y": numbers(series[column]), "name": name, "mode": "lines"})
            traces[-1].update(line={"color": SERIES[i]}, connectgaps=False, legendgroup=column)
    return _frame(title, revision, axis("error (model's unit)", rangemode="tozero"), traces)


def make_importance_figure(latest: pd.DataFrame, model: str | None, revision: str = "") -> go.Figure:
    """Latest importance of each feature, permutation (AUC lost when shuffled) beside the model's own."""
    title = "Feature importance" + (f": {model}" if model else "")
    if latest.empty:
        return empty_figure(title, "No importance measured yet (needs labelled predictions of a built-in model)")
    order = latest[latest["method"] == latest["method"].iloc[-1]].sort_values("importance")["feature"].tolist()
    names = {"permutation": "permutation (AUC drop)", "model": "model's own (share)"}
    traces = [
        {
            "type": "bar",
            "x": part["importance"],
            "y": part["feature"],
            "orientation": "h",
            "name": names.get(str(method), str(method)),
            "marker": {"color": SERIES[i % len(SERIES)]},
        }
        for i, (method, part) in enumerate(latest.groupby("method", sort=True))
    ]
    return _frame(
        title,
        revision,
        axis("feature", categoryorder="array", categoryarray=order),
        traces,
        axis("importance"),
        hovermode="closest",
        barmode="group",
        height=420,
    )


def make_importance_time_figure(series: pd.DataFrame, revision: str = "") -> go.Figure:
    """Permutation importance of each feature over time (the model's own when none was measured)."""
    if series.empty:
        return empty_figure("Importance over time", "No importance measured in this range yet")
    method = "permutation" if (series["method"] == "permutation").any() else "model"
    part = series[series["method"] == method]
    traces = [
        {
            "type": "scatter",
            "x": times(points["ts"]),
            "y": numbers(points["importance"]),
            "name": str(feature),
            "mode": "lines",
            "line": {"color": SERIES[i % len(SERIES)]},
        }
        for i, (feature, points) in enumerate(part.groupby("feature", sort=True))
    ]
    # One entry per feature: a legend above the plot would wrap over the title, so it stands at the right.
    return _frame(
        f"Importance over time ({method})",
        revision,
        axis("importance"),
        traces,
        TIME,
        legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"},
        margin={**FIGURE_LAYOUT["margin"], "r": 140},
    )
