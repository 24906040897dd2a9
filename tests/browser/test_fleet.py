"""Fleet panels in the browser with a Prometheus that is down: the panel shows the component error
and explained empty charts; the page itself works (no console errors, no failed requests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dashboard import ids
from tests.browser.conftest import REFRESH_INTERVAL, SAMPLE_INTERVAL
from tests.conftest import LiveServer, free_port

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """This module's server points --prometheus-url at a loopback port nothing listens on."""
    db = tmp_path_factory.mktemp("browser-fleet") / "live.duckdb"
    live = LiveServer(
        db,
        "--sample-interval",
        SAMPLE_INTERVAL,
        "--refresh-interval",
        REFRESH_INTERVAL,
        "--no-demo",
        "--prometheus-url",
        f"http://127.0.0.1:{free_port()}",
        "--prometheus-timeout",
        "1",
    )
    try:
        live.wait_ready()
        yield live
    finally:
        live.stop()


@pytest.mark.parametrize(("path", "panel_id"), [("/system", ids.FLEET_SYSTEM), ("/predictions", ids.FLEET_PREDICTIONS)])
def test_prometheus_down_shows_in_the_fleet_panel(page, server, path: str, panel_id: str) -> None:
    page.goto(server.url + path)
    panel = page.locator(f"#{panel_id}")
    expect(panel).to_be_visible()
    expect(page.locator(f"#{ids.fleet_part(panel_id, 'error')}")).to_contain_text("Prometheus component error")
    first_graph = panel.locator(".js-plotly-plot").first
    expect(first_graph).to_contain_text("Prometheus unreachable")
    expect(page.locator(f"#{ids.fleet_part(panel_id, 'instance')}")).to_have_value("__all__")
