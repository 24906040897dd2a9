"""History exploration in the browser: a range in the URL restores the view; zooming a chart narrows the
range of every chart on the page and re-reads them at a finer resolution; the live toggle pauses refresh."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import numpy as np
import pytest

from bench.seed_history import _us, system_chunk
from dashboard import ids
from data.clock import utcnow
from data.retention import RetentionPolicy, run_pass
from data.store import Store
from data.writer import Writer
from tests.browser.charts import GRAPH_DIV, wait_drawn
from tests.browser.conftest import Problems, seeded_server
from tests.conftest import LiveServer

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

# Seconds between the first two points of the CPU chart's "total" trace.
_STEP = f"""(id) => {{
    const gd = ({GRAPH_DIV})(id);
    const t = gd && gd.data && gd.data.find((d) => d.name === 'total');
    const ms = (v) => Date.parse(String(v).replace(' ', 'T') + 'Z');
    return t && t.x && t.x.length > 1 ? (ms(t.x[1]) - ms(t.x[0])) / 1000 : null;
}}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live app on a store holding a day of 1 s system samples, rolled up (the retention job's first pass)."""

    def seed(store: Store) -> None:
        now = utcnow().replace(microsecond=0)
        Writer(store).write_arrow(
            {"system_samples": system_chunk(np.random.default_rng(0), _us(now - timedelta(days=1)), 86_400)}
        )
        run_pass(store, RetentionPolicy(), now)

    with seeded_server(tmp_path_factory.mktemp("history") / "history.duckdb", seed) as live:
        yield live


def step_seconds(page, graph_id: str = ids.CPU_GRAPH) -> float | None:
    return page.evaluate(_STEP, graph_id)


@contextmanager
def another_page(browser_context, server: LiveServer) -> Iterator[object]:
    """A second tab (a shared link opened elsewhere), checked for problems before it closes: navigating
    one tab away would abort its in-flight callbacks, which is not the app's fault."""
    other = browser_context.new_page()
    problems = Problems(server)
    problems.watch(other)
    try:
        yield other
        problems.check()
    finally:
        other.close()


def test_a_range_in_the_url_restores_the_view(page, server, browser_context):
    until = utcnow().replace(microsecond=0) - timedelta(hours=3)
    since = until - timedelta(hours=2)
    url = f"{server.url}/system?from={since.isoformat()}&to={until.isoformat()}&live=0"
    key = f"abs:{since.isoformat()}/{until.isoformat()}"
    page.goto(url)
    expect(page.locator(f"#{ids.RANGE}")).to_have_value(key)
    chart = wait_drawn(page, ids.CPU_GRAPH, "total")
    assert chart["uirevision"] == key
    expect(page.locator(f"#{ids.LIVE_TOGGLE}")).not_to_be_checked()  # live=0 paused refresh
    with another_page(browser_context, server) as shared:
        shared.goto(page.url)  # the address as the page keeps it, opened in another tab
        expect(shared.locator(f"#{ids.RANGE}")).to_have_value(key)
        assert wait_drawn(shared, ids.CPU_GRAPH, "total")["uirevision"] == key
    with another_page(browser_context, server) as relative:
        relative.goto(f"{server.url}/system?range=24h")
        expect(relative.locator(f"#{ids.RANGE}")).to_have_value("24h")
        assert wait_drawn(relative, ids.CPU_GRAPH, "total")["uirevision"] == "24h"


def test_zoom_narrows_every_chart_and_reads_finer_resolution(page, server):
    page.goto(f"{server.url}/system?range=24h")
    wait_drawn(page, ids.CPU_GRAPH, "total")
    page.wait_for_function(f"() => ({_STEP})('{ids.CPU_GRAPH}') !== null")
    coarse = step_seconds(page)
    assert coarse >= 60, "a 24 h range reads the minute rollups"
    until = utcnow().replace(microsecond=0) - timedelta(hours=1)
    since = until - timedelta(minutes=30)
    page.evaluate(
        f"([a, b]) => Plotly.relayout(({GRAPH_DIV})('{ids.CPU_GRAPH}'), {{'xaxis.range': [a, b]}})",
        [since.isoformat(sep=" "), until.isoformat(sep=" ")],
    )
    expect(page.locator(f"#{ids.RANGE}")).to_have_value(f"abs:{since.isoformat()}/{until.isoformat()}")
    page.wait_for_function(
        f"(coarse) => {{ const s = ({_STEP})('{ids.CPU_GRAPH}'); return s !== null && s < coarse; }}", arg=coarse
    )
    assert step_seconds(page) <= 5, "30 minutes read raw rows, a few seconds a point"
    memory = wait_drawn(page, ids.MEMORY_GRAPH)
    assert memory["uirevision"] == f"abs:{since.isoformat()}/{until.isoformat()}", "the other charts follow the zoom"
    page.wait_for_function("() => window.location.search.includes('from=')")


def test_a_chart_card_downloads_its_data_as_csv(page, server):
    page.goto(f"{server.url}/system?range=24h&live=0")
    wait_drawn(page, ids.CPU_GRAPH, "total")
    points = page.evaluate(f"() => ({GRAPH_DIV})('{ids.CPU_GRAPH}').data.find((t) => t.name === 'total').x.length")
    button = (
        page.locator(f"#{ids.CPU_GRAPH}")
        .locator("xpath=ancestor::div[contains(@class, 'card-body')]")
        .get_by_role("button", name="CSV")
    )
    with page.expect_download() as download:
        button.click()
    lines = download.value.path().read_text().splitlines()
    assert download.value.suggested_filename == f"{ids.CPU_GRAPH}.csv"
    assert lines[0] == "trace,x,y"
    assert sum(line.startswith("total,") for line in lines) == points
