"""The Overview's list of firing alerts: worst first, each linking to the Alerts page with its
rule chosen for the backtest; a sentence when nothing fires."""

from __future__ import annotations

from datetime import datetime

from dash import dcc

from dashboard import ids
from dashboard.pages import alerts as alerts_page
from dashboard.tables_alerts import firing_list

AT = datetime(2026, 1, 1, 12, 0, 0)


def _alert(rule: str, severity: str, state: str = "firing", subject: str | None = None) -> dict:
    return {
        "rule": rule,
        "severity": severity,
        "state": state,
        "subject": subject,
        "value": 97.5,
        "threshold": 90.0,
        "fired_at": AT if state == "firing" else None,
        "started_at": AT,
    }


def _links(component: object) -> list[dcc.Link]:
    found = [component] if isinstance(component, dcc.Link) else []
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children] if children is not None else []:
        found += _links(child)
    return found


def test_firing_alerts_link_to_the_alerts_page_worst_first() -> None:
    listed = firing_list(
        [
            _alert("cpu:warning", "warning"),
            _alert("latency p95", "critical", subject="model=a"),
            _alert("memory", "critical", state="pending"),
        ]
    )
    links = _links(listed)
    assert [link.children for link in links] == ["latency p95 (model=a)", "cpu:warning"]  # pending left out
    assert [link.href for link in links] == ["/alerts?rule=latency%20p95", "/alerts?rule=cpu%3Awarning"]
    assert "2026-01-01 12:00:00 UTC" in str(listed)


def test_no_firing_alert_is_a_sentence() -> None:
    listed = firing_list([_alert("memory", "critical", state="pending")])
    assert not _links(listed)
    assert "No alert is firing" in listed.children


def test_the_alerts_page_chooses_the_linked_rule_for_the_backtest() -> None:
    def select(component: object) -> object:
        if getattr(component, "id", None) == ids.BACKTEST_RULE:
            return component
        children = getattr(component, "children", None)
        for child in children if isinstance(children, list) else [children] if children is not None else []:
            found = select(child)
            if found is not None:
                return found
        return None

    assert select(alerts_page.layout(rule="cpu:warning")).value == "cpu:warning"
    assert select(alerts_page.layout()).value is None
