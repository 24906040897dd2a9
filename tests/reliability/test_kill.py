"""Crash durability: a child process ingests batches while the server is SIGKILLed at random moments
and restarted on the same database; every acknowledged batch survives whole, no batch is partial, and
retries of an unacknowledged batch store no duplicate. Fast: 3 kills; `make reliability`: 20."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import requests

from tests.conftest import ROOT, free_port
from tests.reliability.helpers import LONG
from tests.waiting import eventually

KILLS = 20 if LONG else 3
ROWS = 200
HERE = Path(__file__).resolve().parent


class Restartable:
    """`python app.py` on one fixed port and database, started again after each kill."""

    def __init__(self, db: Path, models_dir: Path) -> None:
        self.db, self.port = db, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.args = [
            sys.executable,
            str(ROOT / "app.py"),
            "--port",
            str(self.port),
            "--db",
            str(db),
            "--no-demo",
            "--models-dir",
            str(models_dir),
            "--sample-interval",
            "0.5",
            "--writer-flush-interval",
            "0.2",
        ]
        self.log = open(db.parent / "server.log", "ab")
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> float:
        """Start the server and wait until it answers; return the seconds that took."""
        started = time.monotonic()
        self.proc = subprocess.Popen(self.args, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        eventually(self._answers, timeout=timeout, message=lambda: f"the server answering /api/ping: {self.tail()}")
        return time.monotonic() - started

    def _answers(self) -> bool:
        assert self.proc.poll() is None, self.tail()  # a server that exited will never answer: stop waiting
        try:
            return requests.get(self.url + "/api/ping", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def tail(self) -> str:
        return (self.db.parent / "server.log").read_text(errors="replace")[-3000:]

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)
        self.log.close()


def _acks(path: Path) -> list[tuple[int, int, int]]:
    if not path.exists():
        return []
    return [tuple(map(int, line.split())) for line in path.read_text().splitlines() if line.count(" ") == 2]


def _wait_for_new_ack(path: Path, seen: int) -> None:
    eventually(lambda: len(_acks(path)) > seen, timeout=60, message="the ingest client acknowledging another batch")


@pytest.mark.timeout(1200 if LONG else 180)
def test_sigkill_during_ingest_loses_no_acknowledged_batch(tmp_path, models_dir) -> None:
    server, ack_path, rng = Restartable(tmp_path / "kill.duckdb", models_dir), tmp_path / "acks.txt", random.Random(8)
    restarts = [server.start()]
    client = subprocess.Popen(
        [sys.executable, str(HERE / "ingest_client.py"), server.url, str(ack_path), str(ROWS)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(KILLS):
            _wait_for_new_ack(ack_path, len(_acks(ack_path)))
            time.sleep(rng.uniform(0.0, 0.4))  # a random moment inside the ingest stream
            server.kill()
            restarts.append(server.start())
        _wait_for_new_ack(ack_path, len(_acks(ack_path)))
    finally:
        os.kill(client.pid, signal.SIGKILL)
        client.wait()
        server.stop()
    acks = _acks(ack_path)
    con = duckdb.connect(str(server.db), read_only=True)
    per_batch = dict(con.execute("SELECT split_part(id, '-', 1), count(*) FROM predictions GROUP BY 1").fetchall())
    total, distinct = con.execute("SELECT count(*), count(DISTINCT id) FROM predictions").fetchone()
    con.close()
    lost = sum(ROWS - per_batch.get(f"b{n}", 0) for n, _, _ in acks)
    partial = [b for b, n in per_batch.items() if n != ROWS]
    retried = sum(1 for _, stored, dup in acks if dup)
    print(
        f"\nkills={KILLS} acknowledged batches={len(acks)} rows={total} acknowledged rows lost={lost} "
        f"partial batches={len(partial)} duplicates stored={total - distinct} retried-after-commit={retried} "
        f"restart seconds: max={max(restarts[1:]):.2f} mean={sum(restarts[1:]) / KILLS:.2f}"
    )
    assert len(acks) > KILLS
    assert lost == 0
    assert partial == []
    assert total == distinct
    assert all(stored + dup == ROWS for _, stored, dup in acks)


@pytest.mark.parametrize("rows", [50])
def test_retrying_an_acknowledged_batch_stores_no_duplicate(client, rows) -> None:
    from tests.reliability.ingest_client import batch

    first = client.post("/api/predictions", json=batch(7, rows)).get_json()
    again = client.post("/api/predictions", json=batch(7, rows)).get_json()
    assert first == {"received": rows, "stored": rows, "duplicates": 0}
    assert again == {"received": rows, "stored": 0, "duplicates": rows}
