"""The multiclass Model page builders: the confusion heatmap normalised by row with counts on hover and
named axes, F1 per class as bars, and the "no labels yet" empty state; figures validate in plotly."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.figures_multiclass import NO_LABELS, make_class_f1_figure, make_multiclass_confusion_figure


def test_the_heatmap_is_normalised_by_row_with_counts_on_hover() -> None:
    cells = [("A", "A", 3), ("A", "B", 1), ("B", "B", 2), ("C", "A", 5)]
    fig = go.Figure(make_multiclass_confusion_figure("grades", cells).to_dict())  # validates
    (trace,) = fig.data
    assert list(trace.x) == ["A", "B", "C"] == list(trace.y)
    assert [list(r) for r in trace.z] == [[0.75, 0.25, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    assert [list(r) for r in trace.customdata] == [[3, 1, 0], [0, 2, 0], [5, 0, 0]]
    assert "%{customdata} rows" in trace.hovertemplate
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("predicted class", "true class")


def test_f1_bars_and_the_empty_state() -> None:
    fig = go.Figure(make_class_f1_figure("grades", [("A", 0.8, 10), ("B", 0.5, 4)]).to_dict())
    assert list(fig.data[0].x) == ["A", "B"] and list(fig.data[0].y) == [0.8, 0.5]
    for empty in (make_multiclass_confusion_figure("fresh", []), make_class_f1_figure("fresh", [])):
        assert [a.text for a in empty.layout.annotations] == [NO_LABELS]
