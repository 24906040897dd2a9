"""System page: five charts with axis titles, the process table, live data and zoom across refreshes."""

from __future__ import annotations

import re

import pytest

from dashboard import ids
from tests.browser.charts import GRAPH_DIV, summary, wait_drawn, wait_trace_points

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

# graph id -> (title, y-axis title), as dashboard/figures.py draws them once there is data.
CHARTS = {
    ids.CPU_GRAPH: ("CPU", "%"),
    ids.MEMORY_GRAPH: ("Memory and swap", "%"),
    ids.DISK_IO_GRAPH: ("Disk I/O", "bytes/s"),
    ids.NETWORK_GRAPH: ("Network", "bytes/s"),
    ids.DISK_GRAPH: ("Disk use by mount", "%"),
}
TIME_TITLE = "time (UTC)"


def test_system_page_draws_five_charts_and_the_process_table(page, server):
    page.goto(server.url + "/system")
    expect(page.locator("h2")).to_have_text("System")

    for graph_id, (title, ytitle) in CHARTS.items():
        chart = wait_drawn(page, graph_id)
        assert (chart["title"], chart["xtitle"], chart["ytitle"]) == (title, TIME_TITLE, ytitle), graph_id
        assert chart["uirevision"] == "15m", f"{graph_id}: live charts keep the zoom (uirevision)"
    assert any(t["name"] == "total" for t in summary(page, ids.CPU_GRAPH)["traces"])

    table = page.locator(f"#{ids.PROCESS_TABLE} table")
    expect(table.locator("thead th").first).to_have_text("process")
    own = table.locator("tbody tr").filter(has=page.locator("td:first-child", has_text=re.compile("^predwatch$")))
    expect(own).to_have_count(1)
    expect(own.locator("td").nth(1)).to_have_text("UP")
    expect(own.locator("td").nth(2)).to_have_text(str(server.proc.pid))


def test_cpu_chart_grows_as_samples_arrive(page, server):
    page.goto(server.url + "/system")
    before = wait_trace_points(page, ids.CPU_GRAPH, "total", 0)
    assert wait_trace_points(page, ids.CPU_GRAPH, "total", before) > before


def _changed_stamp(page, previous: str) -> str:
    stamp = page.locator(f"#{ids.LAST_UPDATED}")
    expect(stamp).not_to_have_text(previous)
    expect(stamp).to_have_text(re.compile(r"^updated \d\d:\d\d:\d\d UTC$"))
    return stamp.inner_text()


class ZoomLostError(AssertionError):
    """The chart's axis no longer shows the range the user zoomed to."""


def test_zoom_survives_refreshes(page, server):
    """A zoom on the value axis stays while new samples arrive. (A zoom on the time axis narrows the page's
    range instead: tests/browser/test_history.py.)"""
    page.goto(server.url + "/system")
    wait_drawn(page, ids.CPU_GRAPH, "total")
    wait_trace_points(page, ids.CPU_GRAPH, "total", 3)

    page.evaluate(f"(id) => window.Plotly.relayout(({GRAPH_DIV})(id), {{'yaxis.range': [5, 55]}})", ids.CPU_GRAPH)
    zoomed = summary(page, ids.CPU_GRAPH)
    assert zoomed["yautorange"] is False
    assert zoomed["yrange"] == [5, 55]
    points = next(t["points"] for t in zoomed["traces"] if t["name"] == "total")

    stamp = page.locator(f"#{ids.LAST_UPDATED}")
    expect(stamp).to_have_text(re.compile(r"^updated "))
    _changed_stamp(page, _changed_stamp(page, stamp.inner_text()))
    # The chart itself was redrawn with new samples since the zoom, not only the navbar stamp.
    assert wait_trace_points(page, ids.CPU_GRAPH, "total", points) > points

    after = summary(page, ids.CPU_GRAPH)
    if after["yautorange"] is not False or after["yrange"] != pytest.approx(zoomed["yrange"]):
        raise ZoomLostError(
            f"zoomed to {zoomed['yrange']}, after two refreshes the y axis shows {after['yrange']}"
            f" (autorange {after['yautorange']})"
        )
