"""A full disk: ingest answers 507 with Retry-After and a JSON error saying so (not 500 with a
traceback each time), the store component is critical with that reason, one log line per episode, nothing
acknowledged is lost, and writes work again once space is freed.

The database lives on a small tmpfs (mounted here, so the test needs root); a filler file takes the space."""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.helpers import LONG
from tests.waiting import eventually

MB = 1024 * 1024
# What the filler leaves free. 6 MB: a WAL write fails (DuckDB refuses the commit). 24 MB: the WAL passes 16 MB
# first, the automatic checkpoint fails, and DuckDB invalidates the database until the store reopens it.
HEADROOMS = [6 * MB, 24 * MB] * (2 if LONG else 1)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs (needs root): {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path, headroom: int) -> Path:
    stat = os.statvfs(folder)
    filler = folder / "filler"
    with open(filler, "wb") as file:
        file.write(b"\0" * max(0, stat.f_bavail * stat.f_frsize - headroom))
    return filler


def _batch(episode: int, n: int) -> dict:
    return {
        "predictions": [
            {"id": f"e{episode}-b{n}-{i}", "model": "m", "score": 0.5, "features": {f"f{k}": float(k) for k in range(12)}}
            for i in range(2000)
        ]
    }


def _health_store(client) -> dict:
    return client.get("/api/system_health").get_json()["components"]["store"]


def _ingest_until_full(client, episode: int) -> int:
    """Post batches until the disk is full; return the rows acknowledged on the way."""
    acked = 0
    for n in range(200):
        response = client.post("/api/predictions", json=_batch(episode, n))
        if response.status_code == 507:
            return acked
        assert response.status_code == 200, response.get_data(as_text=True)
        acked += response.get_json()["stored"]
    raise AssertionError("the disk never filled")


WAIT = 30  # seconds: a deadline, not a speed (each wait ends as soon as its condition holds)


def test_a_full_disk_is_507_critical_logged_once_and_recovers(make_app, small_disk, caplog) -> None:
    app = make_app(db=small_disk / "predwatch.duckdb", health_cache_seconds=0.2)
    client, store = app.server.test_client(), app.predwatch.runtime.store
    acked = 0
    with caplog.at_level(logging.WARNING):
        for episode, headroom in enumerate(HEADROOMS):
            filler = _fill(small_disk, headroom)
            acked += _ingest_until_full(client, episode)
            for n in range(5):  # every further write: the same clear answer
                response = client.post("/api/predictions", json=_batch(episode, 1000 + n))
                assert response.status_code == 507
                assert response.headers["Retry-After"].isdigit()
                error = response.get_json()["error"]
                assert error["code"] == "disk_full"
                assert "disk is full" in error["message"]
            # /api/system_health is cached a few seconds: poll until the report is newer than the episode
            store_health = eventually(
                lambda: (h := _health_store(client))["status"] == "critical" and h,
                timeout=WAIT,
                interval=0.2,
                message="the store reported critical",
            )
            assert "disk full" in store_health["error"], store_health
            filler.unlink()
            one = {"predictions": [{"id": f"after-{episode}", "model": "m", "score": 0.5}]}
            eventually(
                lambda one=one: client.post("/api/predictions", json=one).status_code == 200,
                timeout=WAIT,
                interval=0.2,
                message="a write accepted once space is freed",
            )
            acked += 1
            eventually(
                lambda: _health_store(client)["status"] == "ok",
                timeout=WAIT,
                interval=0.2,
                message=lambda: f"the store reported ok again: {_health_store(client)} {os.statvfs(small_disk).f_bavail * 4096}",
            )
    started = [r for r in caplog.records if r.name == "data.disk_full" and r.levelno == logging.ERROR]
    assert len(started) == len(HEADROOMS), [r.getMessage() for r in started]
    reopened = [r for r in caplog.records if "reopened after DuckDB invalidated it" in r.getMessage()]
    print(f"\n{len(HEADROOMS)} full-disk episodes, {len(reopened)} of them invalidated the database (reopened)")
    assert not [r for r in caplog.records if r.name == "api.errors"], "a traceback was logged for a full disk"
    assert store.fetch_one("test.count", "SELECT count(*) FROM predictions")[0] == acked


def _disk_full_gauge(client) -> float:
    for line in client.get("/metrics").get_data(as_text=True).splitlines():
        if line.startswith("db_disk_full "):
            return float(line.split()[1])
    raise AssertionError("db_disk_full is not on /metrics")


def test_the_store_stays_critical_while_large_writes_fail_though_small_ones_pass(make_app, small_disk) -> None:
    """A small write fits in the space a refused 2,000-row batch left: it must not read as the disk having
    room again while the next batch still gets 507 (health, /metrics and the log stay in one episode)."""
    app = make_app(db=small_disk / "predwatch.duckdb", health_cache_seconds=0)
    client = app.server.test_client()
    filler = _fill(small_disk, 6 * MB)
    _ingest_until_full(client, 0)
    small_passed, statuses, gauges = 0, [], []
    for n in range(15):
        outcome = {"outcomes": [{"id": f"e0-b0-{n}", "label": n % 2}]}
        small_passed += client.post("/api/outcomes", json=outcome).status_code == 200
        statuses.append(_health_store(client)["status"])
        gauges.append(_disk_full_gauge(client))
        assert client.post("/api/predictions", json=_batch(1, n)).status_code == 507
        statuses.append(_health_store(client)["status"])
        gauges.append(_disk_full_gauge(client))
    print(f"\n{small_passed} of 15 small writes passed between refused 2,000-row batches; store statuses {set(statuses)}")
    assert small_passed > 0, "no small write passed: this run cannot show a flip"
    assert set(statuses) == {"critical"}, statuses
    assert set(gauges) == {1.0}, gauges
    assert "writes stay refused until about" in _health_store(client)["error"]
    filler.unlink()
    eventually(lambda: _health_store(client)["status"] == "ok", timeout=WAIT, interval=0.2, message="ok once space is freed")
    assert _disk_full_gauge(client) == 0.0
    assert client.post("/api/predictions", json=_batch(2, 0)).status_code == 200
