"""A fresh, empty store (no demo): every visible chart on every page ends up either drawing data or
saying in a sentence why it has none, with its axes hidden; never bare axes, never a year-2000 axis.
Also the navbar's from-to inputs are wide enough to use."""

from __future__ import annotations

import pytest

from dashboard.pages import PAGES
from tests.browser.paint import STATES as _STATES
from tests.browser.paint import VISIBLE_GRAPHS as _VISIBLE_GRAPHS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", [path for _, path, _ in PAGES])
def test_every_chart_draws_data_or_says_why_it_has_none(page, server, path: str) -> None:
    page.goto(server.url + path)
    page.locator("#_pages_content h2").first.wait_for()
    # Settled: every visible graph drawn by plotly, none still loading, none bare.
    settled = f"""() => {{
        const graphs = [...document.querySelectorAll('.dash-graph')].filter((g) => g.offsetParent !== null);
        const states = ({_STATES})();
        return states.length === graphs.length
            && states.every(([, state]) => state === 'data' || state.startsWith('empty: '));
    }}"""
    try:
        page.wait_for_function(settled)
    except Exception as exc:  # say which chart never settled, not just "timeout"
        pytest.fail(f"{exc}\nstates: {page.evaluate(_STATES)}\nvisible graphs: {page.evaluate(_VISIBLE_GRAPHS)}")
    states = page.evaluate(_STATES)
    assert all(state == "data" or state.startswith("empty: ") for _, state, _ in states), states
    for graph_id, state, title in states:
        assert title, f"{graph_id} has no title"
        if state.startswith("empty: "):
            assert len(state) > len("empty: ") + 10, f"{graph_id}: {state!r} is not a sentence"


def test_from_to_inputs_are_wide_enough_to_read(page, server) -> None:
    page.goto(server.url + "/system")
    page.locator("#range-from").wait_for()
    widths = page.evaluate("""() => ['range-from', 'range-to'].map((id) => {
        const input = document.getElementById(id);
        return Math.min(input.getBoundingClientRect().width, input.parentElement.getBoundingClientRect().width);
    })""")
    assert all(width >= 150 for width in widths), widths  # a date and a time, not an 18 px sliver
    page.locator("#range-apply").click()
    message = page.locator("#range-message")
    message.wait_for(state="visible")
    assert "UTC" in message.inner_text()


def test_overview_kpi_cards_carry_a_trend_of_the_range(page, server) -> None:
    """CPU, memory and disk are sampled from the start: their cards get a sparkline; prediction cards
    have no traffic here (no demo) and say so instead."""
    page.goto(server.url + "/")
    page.locator(".kpi-card .sparkline").nth(2).wait_for()  # samples arrive every 0.5 s: two make a trend
    titles = page.locator(".kpi-card .sparkline").evaluate_all("(els) => els.map((e) => e.title)")
    assert any(t.startswith("CPU over the range") for t in titles), titles
    assert any(t.startswith("memory over the range") for t in titles), titles
