"""The estimated-vs-realized chart's builder: realized and estimated lines, the band +- 2 standard errors
around the estimate, and an empty-state sentence when there is nothing to draw."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import figures_estimated as fe
from tests.unit.dashboard.figure_checks import assert_valid


def series(n: int, estimate: float | None = 0.8) -> pd.DataFrame:
    start = datetime(2026, 1, 1)
    return pd.DataFrame(
        {
            "ts": [start + timedelta(seconds=30 * i) for i in range(n)],
            "accuracy": 0.82,
            "auc": 0.85,
            "est_accuracy": estimate,
            "est_auc": estimate,
            "est_labelled_accuracy": 0.8,
            "est_labelled_accuracy_se": 0.01,
            "est_labelled_auc": 0.84,
            "est_labelled_auc_se": 0.02,
            "estimator_error": 2.0,
        }
    )


def test_lines_and_band() -> None:
    fig = fe.make_estimate_figure(series(3), "m")
    assert_valid(fig)
    by_name = {t.name: t for t in go.Figure(fig).data}
    np.testing.assert_allclose(by_name["accuracy realized"].y, [0.82] * 3)
    np.testing.assert_allclose(by_name["accuracy estimated (labelled) ±2 SE"].y, [0.82] * 3)
    np.testing.assert_allclose(by_name["AUC estimated (labelled) band"].y, [0.80] * 3)
    assert by_name["accuracy estimated (labelled) ±2 SE"].fill == "tonexty"
    assert "AUC estimated (all rows)" in by_name


def test_empty_states() -> None:
    empty = assert_valid(fe.make_estimate_figure(series(0), "m"))
    assert "No estimate" in empty["layout"]["annotations"][0]["text"]
    no_map = assert_valid(fe.make_estimate_figure(series(2, estimate=None), "m"))
    assert "No estimate" in no_map["layout"]["annotations"][0]["text"]
