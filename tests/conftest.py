"""Shared fixtures: settings on a temporary database, an app, its Flask client, and a live
Predwatch process on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import requests

from app import create_app
from data.store import Store
from settings import Settings
from tests.waiting import eventually

ROOT = Path(__file__).resolve().parent.parent


FOLDER_MARKERS = ("unit", "api", "browser", "system", "reliability", "postgres", "fleet", "client")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each test carries its folder's marker (tests/unit -> unit, ...), so `-m` can choose a part."""
    for item in items:
        folder = item.path.relative_to(Path(__file__).parent).parts[0]
        if folder in FOLDER_MARKERS:
            item.add_marker(getattr(pytest.mark, folder))


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built-in models trained once per test session (training takes about a second)."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty, migrated store on the test's own file (no app, no threads)."""
    s = Store(tmp_path / "store.duckdb")
    yield s
    s.close()


@pytest.fixture
def settings(tmp_path: Path, models_dir: Path) -> Settings:
    return Settings(
        db=tmp_path / "predwatch.duckdb",
        sample_interval=0.2,
        refresh_interval=0.5,
        writer_flush_interval=0.05,
        demo=False,
        models_dir=models_dir,
    )


@pytest.fixture
def make_app(settings: Settings) -> Iterator[Callable[..., object]]:
    """Build apps on the test's database; every one built is stopped at the end."""
    built = []

    def factory(**overrides: object):
        app = create_app(replace(settings, **overrides))
        built.append(app)
        return app

    yield factory
    for app in built:
        app.predwatch.stop()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.server.test_client()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """`python app.py` in a child process, stopped by its PID."""

    def __init__(self, db: Path, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db = db
        self.log_path = db.parent / f"server-{self.port}.log"
        self._log = open(self.log_path, "wb")
        cmd = [sys.executable, str(ROOT / "app.py"), "--port", str(self.port), "--db", str(db), *args]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 30.0) -> LiveServer:
        eventually(self._answers, timeout=timeout, interval=0.1, message=lambda: f"the server ready: {self.log()}")
        return self

    def _answers(self) -> bool:
        if self.proc.poll() is not None:  # it will never answer: stop waiting
            raise RuntimeError(f"server exited {self.proc.returncode}: {self.log()}")
        try:
            return requests.get(self.url + "/api/system_health", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()
        return self.proc.returncode


@pytest.fixture
def start_server(tmp_path: Path, models_dir: Path) -> Iterator[Callable[..., LiveServer]]:
    servers: list[LiveServer] = []

    def start(*args: str, db: Path | None = None, ready: bool = True) -> LiveServer:
        server = LiveServer(
            db or tmp_path / "live.duckdb",
            "--sample-interval",
            "0.5",
            "--refresh-interval",
            "1",
            "--writer-flush-interval",
            "0.2",
            "--models-dir",
            str(models_dir),
            "--no-demo",
            *args,
        )
        servers.append(server)
        return server.wait_ready() if ready else server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def live_server(start_server) -> LiveServer:
    return start_server()
