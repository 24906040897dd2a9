"""The `prometheus` component is kept by its own collector, whether a fleet panel is open or not: against a
tiny Prometheus stand-in on loopback (a stdlib HTTP server answering the query API) and a closed port. The
fleet panels read through Prometheus but no longer report on the status board."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from collectors.prometheus import PROBE_QUERY
from dashboard import ids
from external.fleet import COMPONENT
from tests.conftest import free_port
from tests.fleet.dash_calls import call_panel

ANSWER = {"status": "success", "data": {"resultType": "vector", "result": [{"metric": {}, "value": [0, "1"]}]}}


class StandIn:
    """Answers /api/v1/query like Prometheus (`status` sets the HTTP code) and records the queries asked."""

    def __init__(self) -> None:
        self.queries: list[str] = []
        self.status = 200
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                url = urlparse(self.path)
                outer.queries += parse_qs(url.query).get("query", []) if url.path == "/api/v1/query" else [url.path]
                ok = outer.status == 200
                body = ANSWER if ok else {"status": "error", "errorType": "unavailable", "error": "shutting down"}
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(body).encode())

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    server = StandIn()
    yield server
    server.close()


def probe_once(app) -> bool:
    probe = next(c for c in app.predwatch.runner.collectors if c.name == COMPONENT)
    return app.predwatch.runner.run_once(probe)


def prometheus_health(app) -> tuple[str, dict]:
    body = app.server.test_client().get("/api/system_health").get_json()
    return body["status"], body["components"]["collector"]["by_name"][COMPONENT]


def test_an_answering_prometheus_is_ok_without_any_panel_open(make_app, stand_in) -> None:
    app = make_app(prometheus_url=stand_in.url, health_cache_seconds=0)
    assert probe_once(app)
    assert stand_in.queries == [PROBE_QUERY]
    status, component = prometheus_health(app)
    assert component["status"] == "ok"
    assert component["runs"] == 1
    assert component["error"] is None
    stand_in.status = 503  # an answer that is an error is a failure too, with what Prometheus said
    assert not probe_once(app)
    _, component = prometheus_health(app)
    assert component["status"] == "warning"
    assert "HTTP 503" in component["error"]
    assert "shutting down" in component["error"]


def test_a_closed_port_is_a_warning_never_critical(make_app) -> None:
    app = make_app(prometheus_url=f"http://127.0.0.1:{free_port()}", prometheus_timeout=1.0, health_cache_seconds=0)
    for _ in range(4):  # past the three failures that make a required component critical
        assert not probe_once(app)
    status, component = prometheus_health(app)
    assert component["status"] == "warning"
    assert "unreachable" in component["error"]
    assert component["consecutive_failures"] == 4
    assert status == "warning"


def test_a_fleet_panel_does_not_report_on_the_board(make_app) -> None:
    app = make_app(prometheus_url=f"http://127.0.0.1:{free_port()}", prometheus_timeout=1.0, health_cache_seconds=0)
    status, response = call_panel(app, ids.FLEET_SYSTEM)
    assert status == 200
    assert "unreachable" in str(response[ids.fleet_part(ids.FLEET_SYSTEM, "error")]["children"])
    _, component = prometheus_health(app)
    assert component["status"] == "starting"  # only the probe reports it, and it has not run yet
    assert component["runs"] == 0


def test_no_probe_without_a_prometheus_url(app) -> None:
    assert COMPONENT not in [c.name for c in app.predwatch.runner.collectors]
    assert COMPONENT not in app.predwatch.runtime.board.snapshot()
