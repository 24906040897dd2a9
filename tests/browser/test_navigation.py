"""Moving around: navbar links route in the page, the shared time range redraws the charts, and
every stylesheet and script comes from Predwatch itself (the dashboard works air-gapped)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from dashboard import ids
from tests.browser.charts import wait_drawn

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

SYSTEM_GRAPHS = (ids.CPU_GRAPH, ids.MEMORY_GRAPH, ids.DISK_IO_GRAPH, ids.NETWORK_GRAPH, ids.DISK_GRAPH)


def _nav_link(page, name: str):
    return page.locator(f"#{ids.NAVBAR} .navbar-nav a.nav-link", has_text=re.compile(f"^{name}$"))


def test_navbar_links_switch_pages_without_reload(page, server):
    page.goto(server.url + "/")
    expect(page.locator(f"#{ids.OVERALL_STATUS} .status-badge")).to_have_count(1)
    expect(_nav_link(page, "Overview")).to_have_class(re.compile(r"\bactive\b"))
    # A full reload would start a new window object and lose this mark.
    page.evaluate("() => { window.__predwatchSamePage = true; }")

    _nav_link(page, "System").click()
    expect(page).to_have_url(re.compile(re.escape(server.url) + r"/system(\?.*)?$"))  # the range rides along
    expect(page.locator("h2")).to_have_text("System")
    expect(page.locator(f"#{ids.OVERALL_STATUS}")).to_have_count(0)
    expect(_nav_link(page, "System")).to_have_class(re.compile(r"\bactive\b"))
    wait_drawn(page, ids.CPU_GRAPH, "total")

    _nav_link(page, "Overview").click()
    expect(page).to_have_url(re.compile(re.escape(server.url) + r"/(\?.*)?$"))
    expect(page.locator("h2")).to_have_text("Overview")
    expect(page.locator(f"#{ids.CPU_GRAPH}")).to_have_count(0)
    expect(page.locator(f"#{ids.KPI_CARDS} .kpi-card")).to_have_count(4)

    assert page.evaluate("() => window.__predwatchSamePage === true"), "a navbar link reloaded the page"


def test_time_range_select_redraws_the_charts(page, server):
    page.goto(server.url + "/system")
    select = page.locator(f"#{ids.RANGE}")
    expect(select).to_have_value("15m")
    for graph_id in SYSTEM_GRAPHS:
        wait_drawn(page, graph_id)

    select.select_option(label="Last 5 min")
    expect(select).to_have_value("5m")
    expect(select.locator("option:checked")).to_have_text("Last 5 min")
    # The range key is each chart's uirevision: wait for the charts drawn for the new range.
    for graph_id in SYSTEM_GRAPHS:
        page.wait_for_function(
            "([id, rev]) => document.getElementById(id)?.querySelector('.js-plotly-plot')?.layout?.uirevision === rev",
            arg=[graph_id, "5m"],
        )
        chart = wait_drawn(page, graph_id)
        assert chart["xtitle"] == "time (UTC)", graph_id
        assert chart["ytitle"], graph_id
    assert wait_drawn(page, ids.CPU_GRAPH, "total")["uirevision"] == "5m"


def test_every_stylesheet_and_script_is_served_locally(page, server):
    """No CDN: requests leaving 127.0.0.1 are refused, recorded, and must not happen at all."""
    origin = urlsplit(server.url)
    outside: list[str] = []

    def refuse_outside(route):
        if urlsplit(route.request.url).netloc == origin.netloc:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("internetdisconnected")

    page.route("**/*", refuse_outside)
    loaded: list[tuple[str, str]] = []
    page.on("response", lambda res: loaded.append((res.request.resource_type, res.url)))

    page.goto(server.url + "/system")
    wait_drawn(page, ids.CPU_GRAPH, "total")
    _nav_link(page, "Overview").click()
    expect(page.locator(f"#{ids.KPI_CARDS} .kpi-card")).to_have_count(4)

    assert outside == [], f"requests left the machine: {outside}"
    assets = [url for kind, url in loaded if kind in ("stylesheet", "script")]
    in_dom = page.evaluate("""() => [
        ...[...document.querySelectorAll('link[rel=stylesheet]')].map((l) => l.href),
        ...[...document.querySelectorAll('script[src]')].map((s) => s.src),
    ]""")
    assert any(url.endswith(".css") or ".css?" in url for url in assets), assets
    assert any("plotly" in url for url in assets), "the System page should have loaded plotly.js"
    for url in assets + in_dom:
        parts = urlsplit(url)
        assert (parts.scheme, parts.hostname, parts.port) == ("http", "127.0.0.1", server.port), url
    # The vendored Bootstrap really applies: the dark navbar has Bootstrap's dark background.
    background = page.evaluate(f"() => getComputedStyle(document.getElementById('{ids.NAVBAR}')).backgroundColor")
    assert background == "rgb(33, 37, 41)"
