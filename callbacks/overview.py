"""Overview: overall status, KPI cards and component health from the health report."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output

from analytics.health import build_report
from dashboard import ids
from dashboard.components import kpi_card, status_badge
from dashboard.format import bytes_text, percent_text
from dashboard.tables import component_table
from data.clock import utcnow
from data.health_inputs import health_inputs
from data.runtime import Runtime


def _kpis(report: dict) -> list[dbc.Col]:
    res = report["resources"]
    mem = res["memory"]
    cards = [
        kpi_card("CPU", percent_text(res["cpu"]["percent"]), res["cpu"]["status"],
                 f"load {res['cpu'].get('load_1m') or 0:.2f}"),
        kpi_card("Memory", percent_text(mem["percent"]), mem["status"],
                 f"{bytes_text(mem.get('used_bytes'))} of {bytes_text(mem.get('total_bytes'))}"),
        kpi_card("Disk", percent_text(res["disk"]["percent"]), res["disk"]["status"], "fullest filesystem"),
        kpi_card("Writer queue", str(report["components"]["writer"]["queue_length"]),
                 report["components"]["writer"]["status"], f"{report['components']['writer']['dropped']} rows dropped"),
    ]
    return [dbc.Col(card, md=6, xl=3) for card in cards]


def register(app: Dash, runtime: Runtime) -> None:
    @app.callback(
        Output(ids.OVERALL_STATUS, "children"), Output(ids.KPI_CARDS, "children"), Output(ids.COMPONENTS, "children"),
        Input(ids.INTERVAL, "n_intervals"),
    )
    def refresh(_n: int) -> tuple:
        report = build_report(health_inputs(runtime.store, runtime.writer, runtime.board), utcnow(),
                              runtime.settings.sample_interval)
        return status_badge(report["status"]), _kpis(report), component_table(report["components"])
