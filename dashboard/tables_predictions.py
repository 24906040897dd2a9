"""The recent-predictions grid: its columns, status colours and rows. Pure: no I/O."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import dash_ag_grid as dag

STATUSES = ("success", "failure", "pending", "error")
# A row's class by its status; assets/predwatch.css colours them (success green, failure red,
# pending grey, error orange).
ROW_CLASS_RULES = {f"pw-status-{status}": f"params.data.status == '{status}'" for status in STATUSES}

_NUMBER = {"filter": "agNumberColumnFilter", "type": "rightAligned"}
COLUMNS: list[dict[str, Any]] = [
    {"field": "timestamp", "headerName": "time (UTC)", "sort": "desc", "minWidth": 190, "cellDataType": "text"},
    {"field": "model", "minWidth": 130},
    {"field": "model_version", "headerName": "version", "maxWidth": 110},
    {"field": "status", "headerName": "status", "cellClass": "pw-status-cell", "maxWidth": 130},
    {"field": "score", **_NUMBER, "maxWidth": 120},
    # a class name, a 0/1 label or a regression value: filtered as text
    {"field": "predicted_label", "headerName": "predicted", "maxWidth": 130},
    {"field": "label", "headerName": "outcome", "maxWidth": 120},
    {"field": "latency_ms", "headerName": "latency (ms)", **_NUMBER, "maxWidth": 140},
    {"field": "error_kind", "headerName": "error", "minWidth": 130},
    {"field": "id", "minWidth": 200},
]


def _number(value: Any, digits: int) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), digits)


def _predicted_and_outcome(row: Mapping[str, Any]) -> dict[str, Any]:
    """Each task's own: a class and its label (binary), class names (multiclass), the predicted value and the
    label's (regression: the score column holds the predicted value too)."""
    task = row.get("task", "binary")
    if task == "multiclass":
        return {"predicted_label": row.get("predicted_class"), "label": row.get("true_class")}
    if task == "regression":
        return {"predicted_label": _number(row["score"], 4), "label": _number(row.get("label_value"), 4)}
    return {"predicted_label": row["predicted_label"], "label": row["label"]}


def prediction_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows of data.queries.predictions.recent as the grid shows them (times as text, latency in ms)."""
    return [
        {
            "id": r["id"],
            "model": r["model"],
            "model_version": r["model_version"],
            "status": r["status"],
            "timestamp": r["timestamp"].strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] if r["timestamp"] else None,
            "score": _number(r["score"], 4),
            **_predicted_and_outcome(r),
            "latency_ms": _number(None if r["latency_seconds"] is None else r["latency_seconds"] * 1000, 2),
            "error_kind": r["error_kind"],
        }
        for r in rows
    ]


def prediction_grid(grid_id: str) -> dag.AgGrid:
    """Sortable, filterable grid; rows keep their identity across refreshes (getRowId)."""
    return dag.AgGrid(
        id=grid_id,
        rowData=[],
        columnDefs=COLUMNS,
        getRowId="params.data.id",
        defaultColDef={"sortable": True, "filter": True, "floatingFilter": True, "resizable": True, "flex": 1},
        rowClassRules=ROW_CLASS_RULES,
        dashGridOptions={"animateRows": False, "pagination": True, "paginationPageSize": 50, "paginationPageSizeSelector": False},
        style={"height": "520px"},
        className="prediction-grid",
    )


def grid_note(count: int, limit: int, filtered: bool) -> str:
    """The line above the grid: how many rows it holds, or why it holds none."""
    if count == 0 and filtered:
        return "No predictions match this model and status in the last 24 h."
    if count == 0:
        return "No predictions yet: the built-in workload sends ~20/s, or POST /api/predictions."
    return f"The {count} newest predictions" + (f" (at most {limit})" if count >= limit else "") + "."


def tolerance_note(tolerances: Mapping[str, tuple[float, float]]) -> str:
    """What success means for the regression models in the grid: model -> (absolute, relative) tolerance."""
    parts = []
    for model, (absolute, relative) in sorted(tolerances.items()):
        sides = [f"{absolute:g}" if absolute else "", f"{relative:.0%} of the label" if relative else ""]
        parts.append(f"{model} within {' or '.join(s for s in sides if s)}")
    return (" A regression prediction succeeds when within its model's tolerance: " + "; ".join(parts) + ".") if parts else ""
