"""Pure figure builders of the Model page for a multiclass model: the confusion matrix as a heatmap
normalised by row (each true class's rows sum to 1; counts on hover) and F1 per class. Plain values in
(cells, per-class figures), go.Figure out; no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import plotly.graph_objects as go

from dashboard.fast_figure import LEAN_TEMPLATE, axis, empty_figure, frame
from dashboard.theme import SERIES

NO_LABELS = "No labels yet: the confusion matrix needs outcomes for this model's predictions"
_frame = partial(frame, template=LEAN_TEMPLATE)


def make_multiclass_confusion_figure(model: str | None, cells: Sequence[tuple[str, str, int]], revision: str = "") -> go.Figure:
    """`cells`: (true class, predicted class, labelled rows). Colour is the share of the true class's rows."""
    title = "Confusion matrix (share of each true class)" + (f": {model}" if model else "")
    if not cells or not any(n for _, _, n in cells):
        return empty_figure(title, NO_LABELS)
    names = sorted({t for t, _, _ in cells} | {p for _, p, _ in cells})
    at = {name: i for i, name in enumerate(names)}
    counts = [[0] * len(names) for _ in names]
    for true, predicted, n in cells:
        counts[at[true]][at[predicted]] += n
    shares = [[n / sum(row) if sum(row) else 0.0 for n in row] for row in counts]
    heatmap = {
        "type": "heatmap",
        "z": shares,
        "x": names,
        "y": names,
        "zmin": 0,
        "zmax": 1,
        "colorscale": "Blues",
        "customdata": counts,
        "texttemplate": "%{z:.0%}",
        "colorbar": {"title": {"text": "share of row"}, "tickformat": ".0%"},
        "hovertemplate": "true %{y}, predicted %{x}: %{customdata} rows (%{z:.1%} of true %{y})<extra></extra>",
    }
    return _frame(
        title,
        revision,
        axis("true class", autorange="reversed", type="category"),
        [heatmap],
        axis("predicted class", type="category"),
        hovermode="closest",
    )


def make_class_f1_figure(model: str | None, classes: Sequence[tuple[str, float, int]], revision: str = "") -> go.Figure:
    """`classes`: (class, F1, support) of each class the window's labelled rows hold."""
    title = "F1 per class" + (f": {model}" if model else "")
    if not classes:
        return empty_figure(title, NO_LABELS)
    bars = {
        "type": "bar",
        "x": [c[0] for c in classes],
        "y": [c[1] for c in classes],
        "customdata": [c[2] for c in classes],
        "marker": {"color": SERIES[0]},
        "hovertemplate": "class %{x}: F1 %{y:.3f} (support %{customdata})<extra></extra>",
    }
    return _frame(title, revision, axis("F1", range=[0, 1.02], tickformat=".1f"), [bars], axis("class", type="category"))
