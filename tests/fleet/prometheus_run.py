"""A real Prometheus (Debian's /usr/bin/prometheus) on a free loopback port, scraping live Predwatch
instances: one way to start it, wait for it and stop everything, for every live fleet test."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.conftest import LiveServer, free_port
from tests.waiting import eventually

PROMETHEUS = Path("/usr/bin/prometheus")


def scrape_config(
    servers: Sequence[LiveServer], scrape: str = "1s", evaluation: str = "1s", rule_files: Sequence[str] = ()
) -> str:
    """prometheus.yml scraping `servers` as job predwatch (JSON lists are valid YAML)."""
    targets = ", ".join(f'"127.0.0.1:{s.port}"' for s in servers)
    rules = f"rule_files: [{', '.join(rule_files)}]\n" if rule_files else ""
    return (
        f"global:\n  scrape_interval: {scrape}\n  evaluation_interval: {evaluation}\n{rules}"
        f"scrape_configs:\n  - job_name: predwatch\n    static_configs:\n      - targets: [{targets}]\n"
    )


def _answers(url: str, proc: subprocess.Popen) -> bool:
    assert proc.poll() is None, f"prometheus exited with {proc.returncode}"  # it will never answer: stop waiting
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


@contextmanager
def running(work: Path, config: str, servers: Sequence[LiveServer], server_seconds: float = 60) -> Iterator[str]:
    """Prometheus with `config` (written to work/prometheus.yml, rule files beside it) once every server
    answers; yields its URL; stops Prometheus and the servers after, each by its own process."""
    port = free_port()
    (work / "prometheus.yml").write_text(config)
    log = open(work / "prometheus.log", "wb")
    prom = subprocess.Popen(
        [
            str(PROMETHEUS),
            f"--config.file={work / 'prometheus.yml'}",
            f"--storage.tsdb.path={work / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for server in servers:
            server.wait_ready(server_seconds)
        ready = f"http://127.0.0.1:{port}/-/ready"
        eventually(lambda: _answers(ready, prom), timeout=30, interval=0.1, message=f"Prometheus ready at {ready}")
        yield f"http://127.0.0.1:{port}"
    finally:
        prom.terminate()
        prom.wait(15)
        log.close()
        for server in servers:
            server.stop()
