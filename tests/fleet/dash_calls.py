"""Calling a fleet panel's Dash callback through the Flask test client, as the browser does."""

from __future__ import annotations

from typing import Any

from dashboard import ids
from dashboard.fleet import ALL_INSTANCES


def call_panel(app: Any, panel_id: str, instance: str = ALL_INSTANCES, range_key: str = "5m") -> tuple[int, dict]:
    """POST the panel's refresh; returns (HTTP status, {component id: {prop: value}})."""
    key = next(k for k in app.callback_map if k.startswith(f"..{panel_id}.style..."))
    select = ids.fleet_part(panel_id, "instance")
    body = {
        "output": key,
        "outputs": [{"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]} for part in key.strip(".").split("...")],
        "inputs": [
            {"id": ids.TICK, "property": "data", "value": 1},
            {"id": ids.RANGE, "property": "value", "value": range_key},
            {"id": select, "property": "value", "value": instance},
        ],
        "state": [{"id": select, "property": "options", "value": []}],
        "changedPropIds": [f"{ids.TICK}.data"],
    }
    response = app.server.test_client().post("/_dash-update-component", json=body)
    return response.status_code, (response.get_json() or {}).get("response", {})


def trace_names(figure_store_data: dict) -> set[str]:
    return {trace.get("name", "") for trace in figure_store_data.get("data", [])}
