"""The fleet panel of the System and Predictions pages: every Predwatch instance that one Prometheus
scrapes, with an instance select. Hidden until a callback finds --prometheus-url set (page layouts
are global to Dash and cannot see one app's settings)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import html

from dashboard import ids
from dashboard.components import graph_card

ALL_INSTANCES = "__all__"
HIDDEN = {"display": "none"}
SHOWN: dict[str, str] = {}


@dataclass(frozen=True)
class FleetChart:
    part: str  # the graph's id suffix
    title: str
    metrics: dict[str, str]  # metric name (external/promql.py) -> legend suffix
    yaxis: dict


PERCENT = dict(title="%", rangemode="tozero", ticksuffix=" %")
CHARTS = {
    ids.FLEET_SYSTEM: (
        FleetChart(
            "cpu", "Fleet CPU by instance", {"host_cpu_percent": "host", "process_cpu_percent": "Predwatch process"}, PERCENT
        ),
        FleetChart("memory", "Fleet host memory by instance", {"host_memory_percent": ""}, PERCENT),
        FleetChart(
            "rss",
            "Fleet process resident memory",
            {"process_resident_memory_bytes": ""},
            dict(title="bytes", tickformat=".3~s", ticksuffix="B", rangemode="tozero"),
        ),
    ),
    ids.FLEET_PREDICTIONS: (
        FleetChart(
            "rate",
            "Fleet request rate by instance",
            {"request_rate_per_second": ""},
            dict(title="requests/s", rangemode="tozero"),
        ),
        FleetChart("errors", "Fleet error rate by instance", {"error_rate_percent": ""}, PERCENT),
        FleetChart(
            "latency",
            "Fleet latency quantiles (prediction_duration_seconds)",
            {"latency_p50_seconds": "p50", "latency_p95_seconds": "p95", "latency_p99_seconds": "p99"},
            dict(title="seconds", rangemode="tozero", tickformat=".3~s", ticksuffix="s"),
        ),
        # deploy/fleet-rules.yml's figures over every instance's rows (solid) beside each instance's own (dashed)
        FleetChart(
            "auc",
            "Fleet AUC (last hour, all instances) beside each instance's",
            {"fleet_auc": "", "instance_auc": ""},
            dict(title="AUC", range=[0, 1]),
        ),
        FleetChart(
            "drift",
            "Top drifting features: fleet PSI (last hour) beside each instance's",
            {"fleet_psi": "", "instance_psi": ""},
            dict(title="PSI", rangemode="tozero"),
        ),
    ),
}
PANEL_NAMES = {ids.FLEET_SYSTEM: "system", ids.FLEET_PREDICTIONS: "predictions"}


def graph_ids(panel_id: str) -> list[str]:
    return [ids.fleet_part(panel_id, chart.part) for chart in CHARTS[panel_id]]


def instance_options(instances: list[str], down: Collection[str] = ()) -> list[dict[str, str]]:
    """The select's options; an instance whose `up` is 0 stays listed, marked down."""
    return [{"label": "All instances", "value": ALL_INSTANCES}] + [
        {"label": f"{i} (down)" if i in down else i, "value": i} for i in instances
    ]


def fleet_error(message: str | None, down: Collection[str] = ()) -> dbc.Alert | None:
    """Prometheus unreachable is a component error shown in place, never a broken page; an instance
    Prometheus cannot scrape (`up` 0) is named here as down."""
    if message:
        return dbc.Alert([html.Strong("Prometheus component error: "), message], color="danger", className="mb-2 py-2")
    if down:
        return dbc.Alert(
            [html.Strong("Down: "), ", ".join(down), " (Prometheus cannot scrape it; up == 0)"],
            color="danger",
            className="mb-2 py-2 fleet-down",
        )
    return None


def fleet_panel(panel_id: str, title: str) -> html.Div:
    select_id = ids.fleet_part(panel_id, "instance")
    select = dbc.Select(
        id=select_id, value=ALL_INSTANCES, options=instance_options([]), size="sm", persistence=True, persistence_type="session"
    )
    header = dbc.CardHeader(
        dbc.Row(
            [
                dbc.Col(html.Span(title, className="fw-semibold"), className="align-self-center"),
                dbc.Col(
                    [dbc.Label("Instance", html_for=select_id, className="small mb-0 me-2"), select],
                    className="d-flex align-items-center",
                    xs="auto",
                ),
            ],
            className="g-2",
        )
    )
    graphs = [dbc.Col(graph_card(graph_id), lg=4) for graph_id in graph_ids(panel_id)]
    body = dbc.CardBody([html.Div(id=ids.fleet_part(panel_id, "error")), dbc.Row(graphs)])
    return html.Div(dbc.Card([header, body], className="mb-3"), id=panel_id, style=HIDDEN)
