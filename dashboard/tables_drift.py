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


def drift_table(rows: Sequence[Mapping[str, Any]]) -> html.Div:
    """Rows as /api/drift gives them (already ranked by impact)."""
    body = [(r["impact_rank"], r["feature"],
             status_badge(VERDICT_STATUS.get(r["verdict"], "unknown"), VERDICT_TEXT.get(r["verdict"], r["verdict"])),
             _number(r["psi"]), _number(r["ks_statistic"]), _number(r["ks_pvalue"], 4), _number(r["importance"]),
             _number(r["impact"], 4), f"{r['current_count']:,} / {r['reference_count']:,}") for r in rows]
    return simple_table(["rank", "feature", "drift", "PSI", "KS", "KS p-value", "importance", "impact",
                         "rows (current / reference)"], body,
                        "No drift results for this model and window yet: the evaluation job compares each window "
                        "with the model's reference sample once enough rows have arrived.")
