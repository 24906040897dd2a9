"""The fleet panels without a live Prometheus: hidden when no URL is set, and a Prometheus that is
down or hangs is a component error in the panel and on /api/system_health, never a broken page."""

from __future__ import annotations

import socket
import time
from datetime import timedelta

import pytest

from dashboard import ids
from dashboard.fleet import HIDDEN
from dashboard.pages import predictions as predictions_page
from dashboard.pages import system as system_page
from data.clock import utcnow
from external.fleet import COMPONENT, open_fleet
from external.prometheus import PrometheusError, PrometheusSource
from state.status import StatusBoard
from tests.conftest import free_port
from tests.fleet.dash_calls import call_panel

PANELS = [ids.FLEET_SYSTEM, ids.FLEET_PREDICTIONS]


def test_without_a_prometheus_url_no_fleet_callback_runs_and_panels_stay_hidden(app) -> None:
    assert not [k for k in app.callback_map if "fleet-" in k]
    assert app.server.test_client().get("/system").status_code == 200
    for page, panel_id in ((system_page, ids.FLEET_SYSTEM), (predictions_page, ids.FLEET_PREDICTIONS)):
        found = [c for c in _walk(page.layout()) if getattr(c, "id", None) == panel_id]
        assert len(found) == 1
        assert found[0].style == HIDDEN


def _walk(component: object):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children] if children is not None else []:
        yield from _walk(child)


@pytest.mark.parametrize("panel_id", PANELS)
def test_prometheus_down_is_a_component_error_not_a_broken_page(make_app, panel_id: str) -> None:
    app = make_app(prometheus_url=f"http://127.0.0.1:{free_port()}", prometheus_timeout=1.0)
    status, response = call_panel(app, panel_id)
    assert status == 200
    assert response[panel_id]["style"] == {}  # shown, so the error is visible
    error = str(response[ids.fleet_part(panel_id, "error")]["children"])
    assert "Prometheus component error" in error
    assert "unreachable" in error
    for graph in (k for k in response if k.endswith("-figure")):
        figure = response[graph]["data"]
        assert figure["data"] == []
        assert "Prometheus unreachable" in figure["layout"]["annotations"][0]["text"]
    probe = next(c for c in app.predwatch.runner.collectors if c.name == COMPONENT)  # keeps the component
    app.predwatch.runner.run_once(probe)
    health = app.server.test_client().get("/api/system_health").get_json()
    prometheus = health["components"]["collector"]["by_name"][COMPONENT]
    assert prometheus["status"] == "warning"
    assert "unreachable" in prometheus["error"]
    assert app.server.test_client().get("/predictions").status_code == 200


def test_a_hanging_prometheus_times_out_within_the_configured_timeout() -> None:
    with socket.socket() as listener:  # accepts connections (backlog) but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        source = PrometheusSource(f"http://127.0.0.1:{listener.getsockname()[1]}", timeout_seconds=0.3)
        started = time.monotonic()
        with pytest.raises(PrometheusError, match="unreachable: timed out"):
            source.query("up")
        assert time.monotonic() - started < 2.0
        board = StatusBoard()
        fleet = open_fleet(source.base_url, 0.3, board)
        view = fleet.panel("system", utcnow() - timedelta(minutes=5), utcnow())
        assert view.error
        assert view.frame.empty
        assert board.snapshot()[COMPONENT].consecutive_failures == 1


def test_no_fleet_reader_without_a_url() -> None:
    assert open_fleet(None, 1.0, StatusBoard()) is None
