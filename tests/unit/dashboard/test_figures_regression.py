"""The regression Model page builders: axes and units named, an empty state without labels."""

from __future__ import annotations

from datetime import datetime, timedelta

from dashboard import figures_regression as fr


def _title(figure) -> str:
    return figure.layout.title.text


def _note(figure) -> str:
    return figure.layout.annotations[0].text if figure.layout.annotations else ""


def test_without_labels_each_builder_says_so() -> None:
    for figure in (
        fr.make_regression_cards("m", {"labelled": 0, "mae": None}),
        fr.make_regression_cards("m", None),
        fr.make_predicted_actual_figure("m", []),
        fr.make_residuals_figure("m", {"ts": [], "mean_error": [], "mae": []}),
    ):
        assert _note(figure) == fr.NO_LABELS and _title(figure).endswith(": m")


def test_cards_density_and_residuals_name_their_axes_and_units() -> None:
    cards = fr.make_regression_cards("m", {"labelled": 120, "mae": 3.5, "rmse": 4.25, "r2": 0.8, "mean_error": -0.5})
    assert [a.name for a in cards.layout.annotations] == [
        "MAE (model's unit)",
        "RMSE (model's unit)",
        "R²",
        "bias (mean error) (model's unit)",
    ]
    assert [a.text.split(">")[1].split("<")[0] for a in cards.layout.annotations] == ["3.5", "4.25", "0.800", "-0.5"]
    assert "120 labelled" in _title(cards)
    density = fr.make_predicted_actual_figure("m", [(1.0, 2.0, 5), (3.0, 3.0, 7)])
    assert density.layout.xaxis.title.text == "actual (model's unit)"
    assert density.layout.yaxis.title.text == "predicted (model's unit)"
    assert list(density.data[1].x) == [1.0, 3.0]  # the diagonal spans both axes' values
    now = datetime(2026, 1, 1)
    residuals = fr.make_residuals_figure(
        "m", {"ts": [now, now + timedelta(minutes=1)], "mean_error": [1.0, -1.0], "mae": [2.0, 1.5]}
    )
    assert residuals.layout.yaxis.title.text == "error (model's unit)" and residuals.layout.xaxis.title.text == "time (UTC)"
    assert [t.name for t in residuals.data] == ["mean error (bias)", "mean |error| (MAE)"]
