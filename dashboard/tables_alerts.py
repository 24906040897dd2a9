"""Pure builders for the Alerts page's tables and the navbar's alert badge."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.components import simple_table, status_badge

SEVERITY_ORDER = ("warning", "critical")


def _number(value: Any) -> str:
    return "–" if value is None or value != value else f"{value:.4g}"


def _duration(seconds: float) -> str:
    if seconds <= 0:
        return "at once"
    for unit, size in (("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g} {unit}"
    return f"{seconds:g} s"


def _since(value: Any) -> str:
    return "–" if value is None else f"{value:%Y-%m-%d %H:%M:%S} UTC"


def active_table(alerts: Sequence[Mapping[str, Any]]) -> html.Div:
    """Firing alerts first, then pending ones."""
    ordered = sorted(alerts, key=lambda a: (a["state"] != "firing", a["rule"]))
    rows = [
        (
            a["rule"],
            status_badge(a["severity"]),
            status_badge("critical" if a["state"] == "firing" else "warning", a["state"]),
            _number(a["value"]),
            _number(a["threshold"]),
            (a.get("subject") or "–").replace(",", ", "),
            _since(a["fired_at"] or a["started_at"]),
        )
        for a in ordered
    ]
    return simple_table(
        ["rule", "severity", "state", "value", "threshold", "subject", "since"],
        rows,
        "No alert is firing or pending: every rule's condition is currently false.",
    )


def firing_list(alerts: Sequence[Mapping[str, Any]]) -> html.Div | html.Ul:
    """The Overview's firing alerts, worst first, each linking to the Alerts page with its rule chosen."""
    firing = sorted(
        (a for a in alerts if a["state"] == "firing"),
        key=lambda a: (
            -SEVERITY_ORDER.index(a["severity"]) if a["severity"] in SEVERITY_ORDER else 1,
            a["rule"],
            a.get("subject") or "",
        ),
    )
    if not firing:
        return html.Div(
            "No alert is firing: every rule's condition is currently false (pending ones are on the Alerts page).",
            className="text-muted",
            id="overview-no-alerts",
        )
    items = [
        html.Li(
            [
                status_badge(a["severity"]),
                " ",
                dcc.Link(
                    a["rule"] + (f" ({a['subject']})" if a.get("subject") else ""),
                    href=f"/alerts?rule={quote(a['rule'])}",
                    className="firing-alert-link",
                ),
                f" {_number(a['value'])} against {_number(a['threshold'])}, since {_since(a['fired_at'])}",
            ],
            className="mb-1",
        )
        for a in firing
    ]
    return html.Ul(items, className="list-unstyled mb-0")


def rules_table(rules: Sequence[Mapping[str, Any]]) -> html.Div:
    rows = [
        (
            r["id"],
            status_badge(r["severity"]),
            f"{r['metric']} {r['comparison']} {r['threshold']:g} {r['unit']}",
            _duration(r["for_seconds"]),
            r["min_samples"],
            _no_data(r),
            ", ".join(r.get("subjects", [])) or "–",
            r["description"],
        )
        for r in rules
    ]
    return simple_table(
        ["rule", "severity", "condition", "for", "min samples", "no data", "one alert per", "description"],
        rows,
        "No rules are in force.",
    )


def _no_data(rule: Mapping[str, Any]) -> str:
    """What missing data does, and when its own no-data alert comes."""
    after = rule.get("no_data_for_seconds", 0)
    alert = f"; no-data alert after {_duration(after)}" if after > 0 else ""
    return f"{rule.get('no_data', 'keep_state')}{alert}"


def alert_badge(firing_by_severity: Mapping[str, int]) -> html.A:
    """'N firing' in the colour of the worst firing severity, or 'no alerts'; links to the Alerts page."""
    total = sum(firing_by_severity.values())
    worst = next((s for s in reversed(SEVERITY_ORDER) if firing_by_severity.get(s)), None)
    text = f"{total} firing" if total else "no alerts"
    badge = status_badge(worst or "ok", text)
    badge.id = None
    data: dict[str, Any] = {"data-severity": worst or "none", "data-count": str(total)}  # wildcard attributes
    return html.A(badge, href="/alerts", className="alert-badge-link", title=f"worst: {worst or 'none'}", **data)


def backtest_summary(fired: int, samples: int, rule_id: str) -> dbc.Alert:
    if not samples:
        return dbc.Alert("No stored samples in this range to replay.", color="secondary", className="mb-2")
    word = "time" if fired == 1 else "times"
    return dbc.Alert(
        f"{rule_id} would have fired {fired} {word} over {samples} stored samples.",
        color="warning" if fired else "success",
        className="mb-2",
    )
