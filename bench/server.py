"""Start and stop a real Predwatch process on a free loopback port, for the HTTP benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, db: Path, *args: str, root: Path = ROOT) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(db.parent / f"server-{self.port}.log", "wb")
        cmd = [
            sys.executable,
            str(root / "app.py"),  # root: another checkout, for a benchmark comparing two
            "--db",
            str(db),
            "--port",
            str(self.port),
            "--no-demo",
            "--log-level",
            "warning",
            *args,
        ]
        self.proc = subprocess.Popen(cmd, cwd=root, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 60.0) -> Server:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            try:
                requests.get(self.url + "/api/ping", timeout=1)
                return self
            except requests.RequestException:
                time.sleep(0.1)
        raise TimeoutError("server did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)
        self.log.close()
