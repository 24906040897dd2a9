"""The navbar alert badge and the Alerts page, with an alert forced by a test rule (CPU >= 0 %)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from dashboard import ids
from tests.browser.charts import summary, wait_drawn
from tests.browser.conftest import REFRESH_INTERVAL, SAMPLE_INTERVAL
from tests.conftest import LiveServer

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

FORCE = (
    '[[rule]]\nname = "test_cpu"\nseverity = "critical"\nmetric = "cpu_percent"\ncomparison = ">="\n'
    'threshold = 0\ndescription = "forced by the browser test"\n'
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """This module's own server: the test rule fires at the first evaluation after the first sample."""
    folder = tmp_path_factory.mktemp("alerts")
    rules = folder / "rules.toml"
    rules.write_text(FORCE)
    live = LiveServer(
        folder / "live.duckdb",
        "--sample-interval",
        SAMPLE_INTERVAL,
        "--refresh-interval",
        REFRESH_INTERVAL,
        "--no-demo",
        "--rules",
        str(rules),
        "--alert-interval",
        "0.5",
    )
    try:
        live.wait_ready()
        yield live
    finally:
        live.stop()


def test_badge_shows_the_firing_count_and_worst_severity_on_every_page(page, server):
    for path in ("/", "/system"):
        page.goto(server.url + path)
        link = page.locator(f"#{ids.ALERT_BADGE} a")
        expect(link).to_have_attribute("data-severity", "critical")
        expect(link).to_have_text("1 FIRING")
        expect(link.locator(".badge")).to_have_class(re.compile(r"bg-danger"))


def test_overview_lists_the_firing_alert_with_a_link_to_the_alerts_page(page, server):
    page.goto(server.url + "/")
    link = page.locator(f"#{ids.OVERVIEW_ALERTS} a.firing-alert-link").filter(has_text="test_cpu:critical")
    expect(link).to_have_count(1)
    link.click()  # in-app navigation to the Alerts page, the firing rule chosen for the backtest
    expect(page.locator("#_pages_content h2")).to_have_text("Alerts")
    expect(page).to_have_url(re.compile(r"/alerts\?"))  # the range sync then rewrites the query to ?range=...
    expect(page.locator(f"#{ids.BACKTEST_RULE}")).to_have_value("test_cpu:critical")


def test_alerts_page_lists_the_firing_alert_the_rules_and_the_timeline(page, server):
    page.goto(server.url + "/alerts")
    expect(page.locator("h2")).to_have_text("Alerts")
    # (a busy test machine may also have the shipped CPU rules pending: only the test rule's row is checked)
    active = page.locator(f"#{ids.ALERTS_ACTIVE} tbody tr").filter(has_text="test_cpu:critical")
    expect(active).to_have_count(1)
    expect(active.locator("td").nth(2)).to_have_text("FIRING")
    expect(page.locator(f"#{ids.ALERTS_ACTIVE} tbody tr").first.locator("td").first).to_have_text("test_cpu:critical")

    rules = page.locator(f"#{ids.ALERTS_RULES} tbody tr")
    expect(rules).to_have_count(16)  # the 15 shipped rules and the test's
    expect(rules.filter(has_text="test_cpu:critical").locator("td").nth(2)).to_have_text("cpu_percent >= 0 %")

    timeline = wait_drawn(page, ids.ALERTS_TIMELINE_GRAPH, "critical")
    assert (timeline["title"], timeline["xtitle"], timeline["ytitle"]) == ("Incidents", "time (UTC)", "rule")


def test_backtest_with_an_edited_threshold(page, server):
    page.goto(server.url + "/alerts")
    page.locator(f"#{ids.BACKTEST_RULE}").select_option("test_cpu:critical")
    summary_box = page.locator(f"#{ids.BACKTEST_SUMMARY}")
    expect(summary_box).to_have_text(re.compile(r"test_cpu:critical would have fired 1 time over \d+ stored samples"))
    chart = wait_drawn(page, ids.BACKTEST_GRAPH, "value")
    assert chart["ytitle"] == "%"
    threshold = page.locator(f"#{ids.BACKTEST_THRESHOLD}")
    threshold.fill("101")
    threshold.press("Enter")
    expect(summary_box).to_have_text(re.compile(r"would have fired 0 times"))
    assert summary(page, ids.BACKTEST_GRAPH)["title"].startswith("Backtest of test_cpu:critical: cpu_percent >= 101")


def test_system_cpu_chart_shades_the_alert_period(page, server):
    page.goto(server.url + "/system")
    wait_drawn(page, ids.CPU_GRAPH, "total")
    page.wait_for_function(
        """(id) => {
            const gd = document.getElementById(id)?.querySelector('.js-plotly-plot');
            return !!gd && (gd.layout.shapes || []).some((s) => s.name === 'alert test_cpu:critical');
        }""",
        arg=ids.CPU_GRAPH,
    )
