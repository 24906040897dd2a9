"""Predwatch under gunicorn (wsgi.py): one worker serves, runs its collectors and stops cleanly; a start
with two workers is refused with a clear message before anything is served."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import requests

from tests.conftest import ROOT, free_port
from tests.waiting import eventually

GUNICORN = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")
pytestmark = pytest.mark.skipif(GUNICORN is None, reason="gunicorn is not installed (requirements-dev.txt)")


def _gunicorn(db: Path, models_dir: Path, workers: int, port: int, *extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "PREDWATCH_DB": str(db),
        "PREDWATCH_MODELS_DIR": str(models_dir),
        "PREDWATCH_DEMO": "0",
        "PREDWATCH_SAMPLE_INTERVAL": "0.5",
        "PREDWATCH_WRITER_FLUSH_INTERVAL": "0.2",
    }
    return subprocess.Popen(
        [
            GUNICORN,
            "--workers",
            str(workers),
            "--threads",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--graceful-timeout",
            "10",
            *extra,
            "wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finish(proc: subprocess.Popen, timeout: float) -> tuple[int, str]:
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        pytest.fail(f"gunicorn still running after {timeout} s:\n{out[-3000:]}")
    return proc.returncode, out


def _sampled(proc: subprocess.Popen, url: str) -> bool:
    assert proc.poll() is None, "gunicorn exited before it came up"  # it never will: stop waiting
    try:
        health = requests.get(url + "/api/system_health", timeout=2)
        return health.status_code == 200 and bool(health.json()["sample_timestamp"])
    except requests.RequestException:
        return False


def test_two_workers_are_refused_with_a_clear_message(tmp_path: Path, models_dir: Path) -> None:
    port = free_port()
    code, out = _finish(_gunicorn(tmp_path / "p.duckdb", models_dir, 2, port), timeout=120)
    assert code != 0, out[-3000:]
    assert "is in use by process PID" in out, out[-3000:]
    assert "start it with --workers 1" in out, out[-3000:]


def test_preload_is_refused(tmp_path: Path, models_dir: Path) -> None:
    code, out = _finish(_gunicorn(tmp_path / "p.duckdb", models_dir, 1, free_port(), "--preload"), timeout=120)
    assert code != 0, out[-3000:]
    assert "do not preload Predwatch" in out, out[-3000:]


def test_one_worker_serves_collects_and_stops_cleanly(tmp_path: Path, models_dir: Path) -> None:
    db, port = tmp_path / "p.duckdb", free_port()
    proc = _gunicorn(db, models_dir, 1, port)
    url = f"http://127.0.0.1:{port}"
    try:
        eventually(lambda: _sampled(proc, url), timeout=90, interval=0.2, message="gunicorn serving a first sample")
        # The bind address is gunicorn's, so the dashboard is protected unless told otherwise.
        assert requests.get(url + "/", timeout=5).status_code == 401
    finally:
        proc.send_signal(signal.SIGTERM)
    code, out = _finish(proc, timeout=60)
    assert code == 0, out[-3000:]
    assert "Traceback" not in out, out[-3000:]
    con = duckdb.connect(str(db), read_only=True)  # the worker let go of the file
    try:
        assert con.execute("SELECT count(*) FROM system_samples").fetchone()[0] >= 1
    finally:
        con.close()
