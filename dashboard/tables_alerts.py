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


def _span(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds:.3g} s"


def _delay(seconds: float | None) -> str:
    return "–" if seconds is None else _span(seconds)


def _detection_rows(detection: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    found = detection["episodes"]
    return [
        ("fault episodes caught", f"{detection['detected']} of {found}", f"a firing began inside; {detection['missed']} missed"),
        ("median detection delay", _delay(detection["median_delay_seconds"]), "from an episode's start to its first firing"),
        ("max detection delay", _delay(detection["max_delay_seconds"]), "the slowest caught episode"),
    ]


def backtest_quality(figures: Mapping[str, Any], fault_kinds: Sequence[str], range_seconds: float) -> html.Div:
    """Alerts per week over the time that holds data, the share of it spent firing, and how soon the rule
    caught the demo's recorded fault episodes of the kinds its metric should catch."""
    covered = figures["covered_seconds"]
    per_week, share = figures["alerts_per_week"], figures["firing_share"]
    rows: list[tuple[str, str, str]] = [
        (
            "alerts per week",
            "–" if per_week is None else f"{per_week:.3g}",
            f"firing periods per 7 d of data: {_span(covered)} of the {_span(range_seconds)} range held data (gaps not counted)",
        ),
        ("time firing", "–" if share is None else f"{100 * share:.3g} %", "share of the time that held data"),
    ]
    detection = figures["detection"]
    if detection["episodes"]:
        rows += _detection_rows(detection)
    kinds = " or ".join(fault_kinds)
    unobserved = detection["unobserved"]
    if not detection["episodes"]:
        empty = (
            f"No {kinds} episode of the demo with data in this range: no detection delay to show"
            if kinds
            else "This rule's metric watches no fault the demo injects: no detection delay to show"
        )
        note: Any = html.Div(empty + ".", className="text-muted fst-italic empty-state backtest-no-episodes")
    else:
        note = html.Div(
            f"Episodes: the demo's {kinds} switch, as recorded"
            + (f"; {unobserved} more without data inside" if unobserved else ""),
            className="text-muted small",
        )
    return html.Div([simple_table(["figure", "value", "what it counts"], rows, ""), note], className="backtest-quality mb-2")


def backtest_panel(
    fired: int, samples: int, rule_id: str, figures: Mapping[str, Any], fault_kinds: Sequence[str], range_seconds: float
) -> html.Div:
    """How often the rule would have fired, then its quality figures."""
    return html.Div([backtest_summary(fired, samples, rule_id), backtest_quality(figures, fault_kinds, range_seconds)])
