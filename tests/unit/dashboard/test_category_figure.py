"""The Drift page's bars for a categorical feature: reference vs current share per category, with
"other" and "missing" named for people; valid to plotly."""

from __future__ import annotations

import pandas as pd

from dashboard import figures_drift as fd
from dashboard.tables_drift import drift_table
from tests.unit.dashboard.figure_checks import assert_valid


def test_category_bars_put_reference_and_current_side_by_side() -> None:
    shares = pd.DataFrame(
        {
            "bucket": ["car", "home", "__other__", "__missing__"],
            "reference_share": [0.5, 0.3, 0.15, 0.05],
            "current_share": [0.2, 0.3, 0.4, 0.1],
        }
    )
    fig = fd.make_category_figure(shares, "loan_purpose", "24h")
    assert_valid(fig)
    assert [t.name for t in fig.data] == ["reference", "current window"]
    assert list(fig.data[0].x) == ["car", "home", "other", "missing"]
    assert list(fig.data[1].y) == [0.2, 0.3, 0.4, 0.1]
    assert fig.layout.barmode == "group"
    assert fig.layout.xaxis.title.text == "loan_purpose (category)"
    empty = fd.make_category_figure(shares.iloc[:0], "loan_purpose")
    assert_valid(empty)
    assert "Pick a feature" in empty.layout.annotations[0].text


def test_the_impact_table_mixes_numeric_and_categorical_features() -> None:
    numeric = {
        "impact_rank": 2,
        "feature": "income",
        "verdict": "none",
        "psi": 0.01,
        "ks_statistic": 0.03,
        "ks_pvalue": 0.4,
        "importance": 0.2,
        "impact": 0.002,
        "current_count": 500,
        "reference_count": 5000,
        "kind": "numeric",
        "missing_share": 0.0,
    }
    categorical = {
        **numeric,
        "impact_rank": 1,
        "feature": "loan_purpose",
        "verdict": "significant",
        "psi": 0.6,
        "ks_statistic": None,
        "ks_pvalue": None,
        "kind": "categorical",
        "chi2_pvalue": 1.5e-7,
        "missing_share": 0.125,
    }
    text = str(drift_table([categorical, numeric]))
    assert "loan_purpose (categorical)" in text
    assert "0.0000" in text
    assert "0.125" in text
    assert "0.4000" in text
