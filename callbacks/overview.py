"""Overview: overall status, KPI cards and component health from the app's one health report (the same
/api/system_health answers), prediction KPIs, sparklines and firing alerts from the store."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, html

from analytics.thresholds import Levels, classify_metric
from callbacks.timerange import window
from dashboard import ids
from dashboard.components import kpi_card, status_badge
from dashboard.format import bytes_text, percent_text
from dashboard.sparkline import sparkline
from dashboard.tables import component_table
from dashboard.tables_alerts import firing_list
from data.clock import utcnow
from data.queries import alerts as alert_queries
from data.queries import predictions as prediction_queries
from data.queries import system as system_queries
from data.store import Store
from runtime.health import HealthService

if TYPE_CHECKING:
    import pandas as pd

# Prediction KPIs cover the last 5 minutes, as the latency and error rules' windows do; their colours
# come from those rules' thresholds.
PREDICTION_WINDOW_SECONDS = 300
NO_PREDICTIONS = (
    "No predictions in the last 5 minutes: the built-in workload sends ~20/s (off with --no-demo), or POST /api/predictions."
)


def _column(frame: pd.DataFrame, name: str) -> list:
    return frame[name].tolist() if not frame.empty else []


def _trends(store: Store, since: datetime, until: datetime) -> dict[str, html.Div]:
    """A sparkline per KPI card over the selected range (the writer queue has none: it is not stored)."""
    system = system_queries.system_series(store, since, until)
    traffic = prediction_queries.throughput_series(store, since, until, None)
    per_ts = (
        traffic.groupby("ts").agg(
            requests=("requests_per_second", "sum"), errors=("errors_per_second", "sum"), p95=("p95", "mean")
        )
        if not traffic.empty
        else traffic
    )
    errors: pd.Series | list[float] = (
        100 * per_ts["errors"] / per_ts["requests"].where(per_ts["requests"] > 0) if not per_ts.empty else []
    )
    return {
        "CPU": sparkline(_column(system, "cpu_percent"), "CPU", " %"),
        "Memory": sparkline(_column(system, "memory_percent"), "memory", " %"),
        "Disk": sparkline(_column(system, "disk_used_percent"), "fullest filesystem", " %"),
        "Request rate": sparkline(_column(per_ts, "requests"), "requests/s", "/s"),
        "Avg latency": sparkline([None if v is None else v * 1000 for v in _column(per_ts, "p95")], "p95 latency", " ms"),
        "Error rate": sparkline(list(errors), "error rate", " %"),
    }


def _kpis(report: dict, trends: dict[str, html.Div]) -> list[dbc.Col]:
    res = report["resources"]
    mem = res["memory"]
    cards = [
        kpi_card(
            "CPU",
            percent_text(res["cpu"]["percent"]),
            res["cpu"]["status"],
            f"load {res['cpu'].get('load_1m') or 0:.2f}",
            trends["CPU"],
        ),
        kpi_card(
            "Memory",
            percent_text(mem["percent"]),
            mem["status"],
            f"{bytes_text(mem.get('used_bytes'))} of {bytes_text(mem.get('total_bytes'))}",
            trends["Memory"],
        ),
        kpi_card("Disk", percent_text(res["disk"]["percent"]), res["disk"]["status"], "fullest filesystem", trends["Disk"]),
        kpi_card(
            "Writer queue",
            str(report["components"]["writer"]["queue_length"]),
            report["components"]["writer"]["status"],
            f"{report['components']['writer']['dropped']} rows dropped",
        ),
    ]
    return [dbc.Col(card, md=6, xl=3) for card in cards]


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.0f} ms"


def _share(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def _prediction_kpis(store: Store, now: datetime, levels: dict[str, Levels], trends: dict[str, html.Div]) -> list[dbc.Col]:
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
        kpi_card(
            "Request rate",
            f"{row['requests'] / span:.1f}/s",
            "ok",
            f"{row['requests']} requests in {span:.0f} s, all models",
            trends["Request rate"],
        ),
        kpi_card(
            "Avg latency",
            _ms(avg),
            classify_metric(avg, "latency_seconds_avg", levels),
            f"p95 {_ms(p95)}, successful requests",
            trends["Avg latency"],
        ),
        kpi_card(
            "Error rate",
            percent_text(errors),
            classify_metric(errors, "error_percent", levels),
            f"{row['errors']} errors",
            trends["Error rate"],
        ),
        kpi_card(
            "Success rate",
            percent_text(success),
            "ok" if success is not None else "unknown",
            f"of {row['labelled']} labelled predictions",
        ),
    ]
    return [dbc.Col(card, md=6, xl=3) for card in cards]


def register(app: Dash, health: HealthService, store: Store, levels: dict[str, Levels]) -> None:
    @app.callback(
        Output(ids.OVERALL_STATUS, "children"),
        Output(ids.KPI_CARDS, "children"),
        Output(ids.COMPONENTS, "children"),
        Output(ids.OVERVIEW_ALERTS, "children"),
        Input(ids.TICK, "data"),
        Input(ids.RANGE, "value"),
    )
    def refresh(_n: int, range_key: str | None) -> tuple:
        now = utcnow()
        report = health.report(now).report
        trends = _trends(store, *window(range_key, now))
        kpis = _kpis(report, trends) + _prediction_kpis(store, now, levels, trends)
        firing = firing_list(alert_queries.list_alerts(store, "firing", None))
        return status_badge(report["status"]), kpis, component_table(report["components"]), firing
