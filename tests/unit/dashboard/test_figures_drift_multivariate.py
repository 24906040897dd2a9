"""The multivariate drift chart's builder: the error over its shaded band, windows outside it marked, and
an empty-state sentence when there is nothing to draw."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import plotly.graph_objects as go

from dashboard import figures_drift_multivariate as fm


def series(errors: list[float | None], verdicts: list[str]) -> pd.DataFrame:
    start = datetime(2026, 1, 1)
    return pd.DataFrame(
        {
            "ts": [start + timedelta(seconds=30 * i) for i in range(len(errors))],
            "error": errors,
            "band_low": 1.0,
            "band_high": 2.0,
            "verdict": verdicts,
            "n": 900,
        }
    )


def test_error_line_band_and_marks_outside_it() -> None:
    fig = go.Figure(fm.make_multivariate_figure(series([1.5, 1.6, 2.4], ["none", "none", "drift"]), "r"))  # validates
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["reconstruction error"].y) == [1.5, 1.6, 2.4]
    assert by_name["reference band (mean +- 3 sd)"].fill == "tonexty"
    assert list(by_name["outside the band"].y) == [2.4]
    assert fig.layout.yaxis.title.text == "mean squared error (standardised)"


def test_empty_states_say_why() -> None:
    empty = fm.make_multivariate_figure(series([], []))
    assert "No multivariate drift yet" in empty.layout.annotations[0].text
    none = fm.make_multivariate_figure(series([None, None], ["insufficient_data"] * 2))
    assert "Too few complete rows" in none.layout.annotations[0].text
