"""Resource limits: oversized bodies are refused before they are read (413, little memory), huge limits
and ranges are capped or refused, and slow or hanging clients do not block anyone else."""

from __future__ import annotations

import socket
import time

import psutil
import pytest
import requests

from api.openapi import document
from tests.conftest import LiveServer
from tests.reliability.helpers import TOKEN, get_operations, post_rules

BODY_BYTES = 50 * 1024 * 1024
RANGE_PARAMS = {"start", "end", "from", "to", "since", "until", "range", "window", "hours", "days", "step", "bucket"}


@pytest.fixture(scope="module")
def server(tmp_path_factory, models_dir):
    live = LiveServer(
        tmp_path_factory.mktemp("limits") / "live.duckdb",
        "--no-demo",
        "--models-dir",
        str(models_dir),
        "--threads",
        "2",
        "--max-body-mb",
        "1",
        "--api-token",
        TOKEN,
    )
    try:
        yield live.wait_ready()
    finally:
        live.stop()


def _send_oversized(port: int, path: str) -> str:
    """POST a 50 MB body; the server may answer and close before it is all sent."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {TOKEN}\r\nContent-Length: {BODY_BYTES}\r\n\r\n".encode()
        )
        chunk = b"[" + b"1," * (1024 * 512)
        try:
            for _ in range(BODY_BYTES // len(chunk)):
                sock.sendall(chunk)
        except OSError:  # refused early: the connection was closed under us, as it should be
            pass
        answer = b""
        try:
            while len(answer) < 64 and (data := sock.recv(4096)):
                answer += data
        except OSError:
            pass
    return answer.decode(errors="replace")


def test_fifty_megabyte_body_to_every_post_route_is_413_with_little_memory(server, app) -> None:
    routes = post_rules(app.server.url_map)
    assert "/_dash-update-component" in routes
    assert "/api/predictions" in routes
    process = psutil.Process(server.proc.pid)
    rss_before = process.memory_info().rss
    for path in routes:
        answer = _send_oversized(server.port, path)
        assert answer.startswith("HTTP/1.1 413"), (path, answer[:100])
    growth = process.memory_info().rss - rss_before
    print(f"RSS growth after {len(routes)} x 50 MB bodies: {growth / 1e6:.1f} MB")
    assert growth < 20 * 1024 * 1024
    assert requests.get(server.url + "/api/ping", timeout=5).status_code == 200


def test_flask_also_refuses_oversized_bodies_on_every_post_route(make_app) -> None:
    """Behind another server (no waitress limit), Flask's MAX_CONTENT_LENGTH covers Dash's route too."""
    app = make_app(max_body_mb=0.01, api_token=TOKEN, demo=True)
    client = app.server.test_client()
    for path in post_rules(app.server.url_map):
        response = client.post(
            path, data=b"{" + b" " * 20_000 + b"}", content_type="application/json", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert response.status_code == 413, path


def test_huge_limits_and_ranges_are_capped_or_refused(client) -> None:
    for path, params in get_operations(document()):
        for name in params:
            values = (
                ["1000000000", str(10**30), "-1"]
                if name == "limit"
                else (["1926-01-01T00:00:00Z", "36500d", "876000h", "3153600000"] if name in RANGE_PARAMS else [])
            )
            for value in values:
                started = time.perf_counter()
                response = client.get(path, query_string={name: value})
                assert response.status_code in (200, 400), (path, name, value, response.status_code)
                assert time.perf_counter() - started < 10, (path, name, value)
    rows = client.get("/api/recent_predictions", query_string={"limit": 10**9}).get_json()
    assert rows is not None


def test_slow_and_hanging_clients_do_not_block_others(server) -> None:
    """More half-sent requests than the server has threads, then a normal request still answers."""
    hanging = []
    try:
        for i in range(6):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            if i % 2:
                sock.sendall(b"GET /api/system_health HTTP/1.1\r\nHost: x\r\n")  # headers never finished
            else:
                sock.sendall(
                    b"POST /api/predictions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b'Content-Length: 1000\r\n\r\n{"predictions": ['
                )  # body never finished
            hanging.append(sock)
        started = time.perf_counter()
        for _ in range(5):
            assert requests.get(server.url + "/api/system_health", timeout=5).status_code == 200
        assert time.perf_counter() - started < 10
    finally:
        for sock in hanging:
            sock.close()


def test_extreme_feature_values_are_refused_not_a_model_error(client) -> None:
    """Found by fuzzing: -1.8e308 made the logistic model fail with a 500; a 10**400 integer overflowed isfinite()."""
    from predictor.scenario import FEATURES

    for model in ("credit-logreg", "credit-gbm"):
        for value in (-1.7976931348623155e308, 10**400, 1e13):
            response = client.post("/api/predict", json={"model": model, "features": {f: value for f in FEATURES}})
            assert response.status_code == 422, (model, value, response.get_json())
        assert client.post("/api/predict", json={"model": model, "features": {f: 1e12 for f in FEATURES}}).status_code == 200
