"""The real `python app.py` process: start, serve, refuse a locked database, shut down cleanly."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys

import duckdb
import pytest
import requests

from tests.conftest import ROOT


def test_second_process_on_the_same_database_exits_2_with_a_clear_message(live_server) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "--db", str(live_server.db), "--port", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == f"predwatch: database {live_server.db} is in use by process PID {live_server.proc.pid}"
    assert "Traceback" not in result.stderr + result.stdout
    assert requests.get(live_server.url + "/api/system_health", timeout=5).status_code == 200


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_cleanly_flushing_the_writer(start_server, sig: int) -> None:
    server = start_server()
    health = requests.get(server.url + "/api/system_health", timeout=5).json()
    assert server.stop(sig) == 0
    log = server.log()
    assert "stopped cleanly" in log
    assert "Traceback" not in log
    con = duckdb.connect(str(server.db), read_only=True)  # opens: the lock is gone
    stored = con.execute("SELECT count(*), max(ts) FROM system_samples").fetchone()
    con.close()
    assert stored[0] >= 1
    assert health["sample_timestamp"] is None or stored[1].isoformat() >= health["sample_timestamp"][:19]


def test_busy_port_exits_2(live_server, tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "--db", str(tmp_path / "other.duckdb"), "--port", str(live_server.port)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{live_server.port}" in result.stderr


def test_bad_setting_exits_2(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "--db", str(tmp_path / "x.duckdb")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PREDWATCH_PORT": "not-a-port"},
    )
    assert result.returncode == 2
    assert "PREDWATCH_PORT" in result.stderr


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool not installed (Debian package prometheus)")
def test_promtool_accepts_live_metrics(live_server) -> None:
    requests.get(live_server.url + "/api/system_health", timeout=5)
    text = requests.get(live_server.url + "/metrics", timeout=5).text
    assert "scrape_duration_seconds_bucket" in text
    assert "queue_length" in text
    result = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr


def _threads(prefix: str) -> list[str]:
    import threading

    return [t.name for t in threading.enumerate() if t.name.startswith(prefix)]


def test_double_create_app_on_one_database_refuses_and_never_runs_collectors_twice(make_app) -> None:
    """DuckDB would hand a second connect() in this process the same database, so a second app would
    run every collector again: the second create_app refuses instead, until the first one stops."""
    from data.connection import StoreLockedError

    first = make_app()
    first.predwatch.start()
    first.predwatch.start()  # starting twice is a no-op
    with pytest.raises(StoreLockedError, match="in use by another Predwatch app in this process"):
        make_app()
    system_threads = _threads("predwatch-collector-system")
    assert len(system_threads) == 1, system_threads
    assert len(_threads("predwatch-writer")) == 1
    first.predwatch.stop()
    second = make_app()  # once the first has stopped, the database is free again
    second.predwatch.start()
    assert len(_threads("predwatch-collector-system")) <= 1  # the first one's thread has ended or is ending
    second.predwatch.stop()
