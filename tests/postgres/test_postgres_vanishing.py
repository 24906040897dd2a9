"""Faults: a watched PostgreSQL vanishes while Predwatch runs. The app keeps serving, /api/system_health
names the target and its error, and the component is ok again by itself once the server is back.

The target is reached through a TCP relay on loopback in front of the real server, so the test can take
it away (close the port and every connection) and bring it back on the same port."""

from __future__ import annotations

import socket
import threading

import pytest

from tests.conftest import free_port
from tests.waiting import eventually

psycopg = pytest.importorskip("psycopg")


class Relay:
    """Forwards 127.0.0.1:port to the real server while up; `down()` closes the port and every connection."""

    def __init__(self, port: int, target: tuple[str, int]) -> None:
        self.port, self.target = port, target
        self.listener: socket.socket | None = None
        self.open: list[socket.socket] = []

    def up(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))  # SO_REUSEADDR: the same port again
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def down(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            listener.close()
        for sock in self.open:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        self.open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by down()
            server = socket.create_connection(self.target, timeout=5)
            self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


WAIT = 20  # seconds: a deadline, not a speed (each wait ends as soon as its condition holds)


def test_a_vanishing_postgres_is_reported_and_recovers(postgres_admin_dsn, make_app) -> None:
    info = psycopg.conninfo.conninfo_to_dict(postgres_admin_dsn)
    relay = Relay(free_port(), (info.get("host") or "127.0.0.1", int(info.get("port") or 5432)))
    dsn = psycopg.conninfo.make_conninfo(postgres_admin_dsn, host="127.0.0.1", port=relay.port)
    relay.up()
    app = make_app(
        watch_postgres=(f"orders={dsn}",), postgres_interval=0.3, postgres_timeout=2, sample_interval=0.2, health_cache_seconds=0
    )
    app.predwatch.start()
    client = app.server.test_client()

    def component() -> dict | None:
        response = client.get("/api/system_health")
        assert response.status_code == 200  # the app keeps serving throughout
        return response.get_json()["components"].get("postgres")

    try:
        eventually(
            lambda: (component() or {}).get("status") == "ok", timeout=WAIT, interval=0.1, message="the first successful poll"
        )
        relay.down()
        eventually(lambda: component()["status"] == "warning", timeout=WAIT, interval=0.1, message="the vanished server reported")
        down = component()
        assert down["by_target"]["orders"]["up"] is False
        assert down["error"].startswith("orders: ")
        assert len(down["error"]) > len("orders: ")
        relay.up()
        eventually(lambda: component()["status"] == "ok", timeout=WAIT, interval=0.1, message="recovery once the server is back")
        assert component()["error"] is None
        assert component()["by_target"]["orders"]["up"] is True
    finally:
        app.predwatch.stop()
        relay.down()
