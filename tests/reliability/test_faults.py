"""Faults: psutil raising and the store refusing writes (disk full, simulated) while the app runs. It keeps
serving, /api/system_health names the failing component, and it recovers by itself once the fault clears."""

from __future__ import annotations

import duckdb
import psutil
import pytest

from tests.waiting import eventually


def _health(client) -> dict:
    response = client.get("/api/system_health")
    assert response.status_code == 200
    return response.get_json()


WAIT = 20  # seconds: a deadline, not a speed (each wait ends as soon as its condition holds)


@pytest.fixture
def running(make_app):
    app = make_app(sample_interval=0.1, writer_flush_interval=0.05)
    app.predwatch.start()
    return app, app.server.test_client()


def test_psutil_raising_is_reported_and_recovers(running, monkeypatch) -> None:
    app, client = running
    system = lambda: _health(client)["components"]["collector"]["by_name"]["system"]  # noqa: E731
    eventually(lambda: system()["status"] == "ok", timeout=WAIT, message="the system collector's first sample")

    def broken(*_args, **_kwargs):
        raise psutil.AccessDenied(pid=None, name="virtual_memory")

    with monkeypatch.context() as patched:
        patched.setattr(psutil, "virtual_memory", broken)
        eventually(
            lambda: system()["status"] in ("warning", "critical") and "AccessDenied" in (system()["error"] or ""),
            timeout=WAIT,
            message="the failing collector reported",
        )
        assert client.get("/api/ping").status_code == 200
        assert client.get("/").status_code == 200
    eventually(lambda: system()["status"] == "ok" and system()["error"] is None, timeout=WAIT, message="automatic recovery")


def test_store_write_errors_are_reported_rows_kept_and_recovery_is_automatic(running, monkeypatch) -> None:
    app, client = running
    writer = app.predwatch.runtime.writer
    writer_state = lambda: _health(client)["components"]["writer"]  # noqa: E731
    eventually(lambda: writer.stats.rows_written > 0, timeout=WAIT, message="the first rows written")
    real = writer.write_now

    def disk_full(_batches):
        raise duckdb.IOException("could not write: No space left on device (simulated)")

    with monkeypatch.context() as patched:
        patched.setattr(writer, "write_now", disk_full)
        eventually(
            lambda: writer_state()["status"] == "warning" and "No space left" in (writer_state()["error"] or ""),
            timeout=WAIT,
            message="the failing writer reported",
        )
        held = writer.queue_length
        assert held > 0  # samples kept for the retry, not lost
        assert client.get("/api/ping").status_code == 200
        assert client.get("/api/recent_predictions").status_code == 200
    assert writer.write_now == real
    eventually(
        lambda: writer_state()["status"] == "ok" and writer.queue_length < held, timeout=WAIT, message="automatic recovery"
    )
    assert writer.stats.dropped == 0
    assert writer.stats.failures > 0
