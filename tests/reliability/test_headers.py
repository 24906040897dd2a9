"""Security headers on every kind of response, no version banner, no traceback in any error body."""

from __future__ import annotations

import socket

import pytest
import requests

from tests.reliability.helpers import post_rules

PATHS = [
    "/",
    "/system",
    "/api/system_health",
    "/api/openapi.json",
    "/metrics",
    "/api/nope",
    "/assets/predwatch.css",
    "/_dash-layout",
    "/_dash-dependencies",
]


def _check_headers(headers, path: str) -> None:
    assert headers["X-Content-Type-Options"] == "nosniff", path
    assert headers["X-Frame-Options"] == "DENY", path
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp, path
    assert "default-src 'self'" in csp, path
    assert "'unsafe-eval'" not in csp, path
    assert "script-src 'self'" in csp, path
    assert "script-src 'self' 'unsafe-inline'" not in csp, path


def test_every_response_carries_the_headers(client) -> None:
    for path in PATHS:
        _check_headers(client.get(path).headers, path)
    _check_headers(client.post("/api/predictions", data="x").headers, "415")


def test_pages_allow_exactly_dashs_inline_scripts(app, client) -> None:
    html = client.get("/").get_data(as_text=True)
    csp = client.get("/").headers["Content-Security-Policy"]
    hashes = app.csp_hashes()
    assert hashes
    assert all(h in csp for h in hashes)
    assert "new DashRenderer" in html


def _force_store_failure(app, monkeypatch) -> None:
    def broken(*_args, **_kwargs):
        raise RuntimeError("SECRET-INTERNAL-DETAIL in /work/main/data/store.py line 1")

    for name in ("fetch_df", "fetch_all", "fetch_dicts", "fetch_one"):
        monkeypatch.setattr(app.predwatch.runtime.store, name, broken)


def test_no_traceback_or_internal_detail_in_error_bodies(app, client, monkeypatch) -> None:
    _force_store_failure(app, monkeypatch)
    responses = [
        client.get("/api/recent_predictions"),
        client.get("/api/performance_metrics"),
        client.get("/api/nope"),
        client.put("/api/predictions"),
        client.post("/api/predictions", data="x"),
        client.post("/api/predictions", data="{", content_type="application/json"),
        client.post("/_dash-update-component", data="{", content_type="application/json"),
        client.post("/_dash-update-component", json={"output": "nope.figure", "inputs": []}),
    ]
    assert any(r.status_code == 500 for r in responses)
    for response in responses:
        body = response.get_data(as_text=True)
        assert response.status_code >= 400
        assert "Traceback" not in body, body[:300]
        assert "SECRET-INTERNAL-DETAIL" not in body, body[:300]
        assert ".py" not in body, body[:300]


@pytest.fixture(scope="module")
def server(tmp_path_factory, models_dir):
    from tests.conftest import LiveServer

    live = LiveServer(tmp_path_factory.mktemp("headers") / "live.duckdb", "--no-demo", "--models-dir", str(models_dir))
    try:
        yield live.wait_ready()
    finally:
        live.stop()


def test_live_server_has_no_version_banner(server) -> None:
    for path in ["/", "/api/system_health", "/api/nope", "/metrics"]:
        response = requests.get(server.url + path, timeout=10)
        assert response.headers.get("Server", "predwatch") == "predwatch", response.headers
        _check_headers(response.headers, path)
    # An error raised by waitress itself (before Flask) still names no server version.
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /api/predictions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n{"
        )
        answer = _read_all(sock).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert "waitress" not in answer.lower()
    assert "Traceback" not in answer


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_post_routes_are_discovered(app) -> None:
    assert {"/api/predictions", "/_dash-update-component"} <= set(post_rules(app.server.url_map))
