"""Slow clients: hundreds of sockets sending their headers slowly must not lock others out.

waitress's default connection_limit (100) lets 200 such sockets stop every other request until the idle
timeout (120 s), so app.py sets the limits deliberately (see README, Reliability)."""

from __future__ import annotations

import socket
import time

import psutil
import requests

from tests.reliability.helpers import LONG
from tests.waiting import eventually

SLOW_SOCKETS = 500
# The long version keeps the sockets trickling a header byte each second, past the server's idle timeout.
TRICKLE_SECONDS = 40 if LONG else 0
PROBES = 10


def _open_slow(port: int, count: int) -> list[socket.socket]:
    opened = []
    for i in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(f"GET /api/ping?slow={i} HTTP/1.1\r\nHost: x\r\n".encode())  # headers never finished
        opened.append(sock)
    return opened


def _established(pid: int) -> int:
    """Connections the server holds (in its channels, not the listen queue)."""
    return sum(1 for c in psutil.Process(pid).net_connections("tcp") if c.status == psutil.CONN_ESTABLISHED)


def _probe(url: str) -> float:
    started = time.perf_counter()
    response = requests.get(url, timeout=15)  # generous: the goal is 1 s, the test must not depend on speed
    assert response.status_code == 200, response.status_code
    return time.perf_counter() - started


def test_ping_and_dashboard_answer_with_500_slow_header_sockets_open(start_server) -> None:
    server = start_server()
    slow = _open_slow(server.port, SLOW_SOCKETS)
    try:
        held = eventually(
            lambda: (n := _established(server.proc.pid)) >= SLOW_SOCKETS and n,
            timeout=30,
            interval=0.2,
            message=lambda: f"{SLOW_SOCKETS} connections held (held {_established(server.proc.pid)})",
        )
        latencies = [_probe(server.url + "/api/ping") for _ in range(PROBES)]
        page = _probe(server.url + "/")
        trickled_until = time.monotonic() + TRICKLE_SECONDS
        while time.monotonic() < trickled_until:
            for sock in slow:
                sock.sendall(b"X")  # one more header byte: never idle, never complete
            latencies.append(_probe(server.url + "/api/ping"))
            time.sleep(1)
        print(
            f"\n{held} slow sockets held by the server; /api/ping over {len(latencies)} probes: "
            f"max {max(latencies) * 1000:.0f} ms, median {sorted(latencies)[len(latencies) // 2] * 1000:.0f} ms; "
            f"dashboard page {page * 1000:.0f} ms"
        )
    finally:
        for sock in slow:
            sock.close()
