"""Overview: overall status, KPI cards and component health from the health report."""
from __future__ import annotations

from datetime import datetime, timedelta

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, html

from analytics.health import build_report
from analytics.thresholds import Levels, classify_metric
from dashboard import ids
from dashboard.components import kpi_card, status_badge
from dashboard.format import bytes_text, percent_text
from dashboard.tables import component_table
from data.clock import utcnow
from data.queries import predictions as prediction_queries
from data.store import Store
from runtime.health_inputs import health_inputs
from runtime.runtime import Runtime

# Prediction KPIs cover the last 5 minutes, as the latency and error rules' windows do; their colours
# come from those rules' thresholds.
PREDICTION_WINDOW_SECONDS = 300
NO_PREDICTIONS = ("No predictions in the last 5 minutes: the built-in workload sends ~20/s "
                  "(off with --no-demo), or POST /api/predictions.")


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


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.0f} ms"


def _share(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def _prediction_kpis(store: Store, now: datetime, levels: dict[str, Levels]) -> list[dbc.Col]:
    """Request rate, average latency (as the latency rule judges it, p95 beside it), error rate and success
    rate over the last 5 minutes, all models."""
    row = prediction_queries.window_summary(store, now - timedelta(seconds=PREDICTION_WINDOW_SECONDS), now)
    if not row["requests"]:
        return [dbc.Col(html.Div(NO_PREDICTIONS, className="text-muted fst-italic empty-state"), xs=12)]
    avg, p95 = row["avg_latency"], row["p95"]
    errors, success = _share(row["errors"], row["requests"]), _share(row["successes"], row["labelled"])
    # Over the window, or since the first request when traffic began within it (a fresh start).
    span = min(PREDICTION_WINDOW_SECONDS, max(1.0, (now - row["first_ts"]).total_seconds()))
    cards = [
        kpi_card("Request rate", f"{row['requests'] / span:.1f}/s", "ok",
                 f"{row['requests']} requests in {span:.0f} s, all models"),
        kpi_card("Avg latency", _ms(avg), classify_metric(avg, "latency_seconds_avg", levels),
                 f"p95 {_ms(p95)}, successful requests"),
        kpi_card("Error rate", percent_text(errors), classify_metric(errors, "error_percent", levels),
                 f"{row['errors']} errors"),
        kpi_card("Success rate", percent_text(success), "ok" if success is not None else "unknown",
                 f"of {row['labelled']} labelled predictions"),
    ]
    return [dbc.Col(card, md=6, xl=3) for card in cards]


def register(app: Dash, runtime: Runtime) -> None:
    @app.callback(
        Output(ids.OVERALL_STATUS, "children"), Output(ids.KPI_CARDS, "children"), Output(ids.COMPONENTS, "children"),
        Input(ids.TICK, "data"),
    )
    def refresh(_n: int) -> tuple:
        levels = runtime.levels
        report = build_report(health_inputs(runtime.store, runtime.writer, runtime.board), utcnow(),
                              runtime.settings.sample_delay, levels)
        kpis = _kpis(report) + _prediction_kpis(runtime.store, utcnow(), levels)
        return status_badge(report["status"]), kpis, component_table(report["components"])
