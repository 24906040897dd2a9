"""The Drift page's table: features sorted by impact (drift weighted by importance) with verdict badges."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import html

from dashboard.components import simple_table, status_badge

VERDICT_STATUS = {"none": "ok", "moderate": "warning", "significant": "critical", "insufficient_data": "unknown"}
VERDICT_TEXT = {"insufficient_data": "too few rows"}


def _number(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _feature(row: Mapping[str, Any]) -> str:
    """Numeric and categorical features share the table; a categorical one says so (it has no KS)."""
    return f"{row['feature']} (categorical)" if row.get("kind") == "categorical" else row["feature"]


def _pvalue(row: Mapping[str, Any]) -> float | None:
    return row.get("chi2_pvalue") if row.get("kind") == "categorical" else row["ks_pvalue"]


def drift_table(rows: Sequence[Mapping[str, Any]]) -> html.Div:
    """Rows as /api/drift gives them (already ranked by impact), numeric and categorical features mixed."""
    body = [
        (
            r["impact_rank"],
            _feature(r),
            status_badge(VERDICT_STATUS.get(r["verdict"], "unknown"), VERDICT_TEXT.get(r["verdict"], r["verdict"])),
            _number(r["psi"]),
            _number(r["ks_statistic"]),
            _number(_pvalue(r), 4),
            _number(r.get("missing_share")),
            _number(r["importance"]),
            _number(r["impact"], 4),
            f"{r['current_count']:,} / {r['reference_count']:,}",
        )
        for r in rows
    ]
    return simple_table(
        [
            "rank",
            "feature",
            "drift",
            "PSI",
            "KS",
            "p-value (KS / chi²)",
            "missing",
            "importance",
            "impact",
            "rows (current / reference)",
        ],
        body,
        "No drift results for this model and window yet: the evaluation job compares each window "
        "with the model's reference sample once enough rows have arrived.",
    )
