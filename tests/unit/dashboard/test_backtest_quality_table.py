"""The backtest panel's quality table: figures with their units, detection rows only when episodes are known."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard.tables_alerts import backtest_quality


def _texts(node: Any) -> list[str]:
    """Every string in a component tree, depth first."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list | tuple):
        return [t for child in node for t in _texts(child)]
    children = getattr(node, "children", None)
    return [] if children is None else _texts(children)


def _figures(**detection: Any) -> dict[str, Any]:
    found = {"episodes": 0, "detected": 0, "missed": 0, "unobserved": 0}
    found |= {"median_delay_seconds": None, "max_delay_seconds": None} | detection
    return {"alerts_per_week": 851.83, "firing_share": 0.2958, "covered_seconds": 710.0, "detection": found}


def test_detection_rows_with_units_when_episodes_are_known() -> None:
    figures = _figures(episodes=3, detected=2, missed=1, unobserved=1, median_delay_seconds=30.0, max_delay_seconds=5400.0)
    text = " | ".join(_texts(backtest_quality(figures, ("input_drift",), 900.0)))
    assert "alerts per week | 852 | firing periods per 7 d of data: 11.8 min of the 15 min range held data" in text
    assert "time firing | 29.6 % |" in text
    assert "fault episodes caught | 2 of 3 | a firing began inside; 1 missed" in text
    assert "median detection delay | 30 s |" in text
    assert "max detection delay | 1.5 h |" in text
    assert "Episodes: the demo's input_drift switch, as recorded; 1 more without data inside" in text


def test_an_empty_state_names_the_faults_it_looked_for() -> None:
    panel = backtest_quality(_figures(unobserved=2), ("error_burst",), 900.0)
    empty = [n for n in panel.children if isinstance(n, html.Div) and "backtest-no-episodes" in (n.className or "")]
    assert empty[0].children == "No error_burst episode of the demo with data in this range: no detection delay to show."
    assert "median detection delay" not in _texts(panel)
    host = backtest_quality(_figures() | {"alerts_per_week": None, "firing_share": None}, (), 900.0)
    assert "This rule's metric watches no fault the demo injects: no detection delay to show." in _texts(host)
    assert _texts(host).count("–") == 2
