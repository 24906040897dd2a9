"""The exported alert rules in a real Prometheus (evaluation every 1 s) over two live Predwatch
instances: one alert per instance, carrying `instance`; after one instance stops, the fleet panel
lists it as down and PredwatchInstanceDown fires for it (after its 1 min `for`). A 60 s scrape gap
(the instance stopped with SIGSTOP) leaves a firing alert firing, with its start unchanged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from external.fleet import Fleet
from external.prometheus import PrometheusSource
from state.status import StatusBoard
from tests.conftest import ROOT, LiveServer
from tests.fleet.prometheus_run import PROMETHEUS, running, scrape_config
from tests.waiting import eventually

pytestmark = pytest.mark.skipif(not PROMETHEUS.exists(), reason=f"needs {PROMETHEUS} (Debian package prometheus)")
ARGS = (
    "--demo",
    "--demo-rate",
    "5",
    "--sample-interval",
    "0.5",
    "--alert-interval",
    "0.5",
    "--writer-flush-interval",
    "0.2",
    "--metrics-cache-seconds",
    "0",
)
HOT_CPU = '[[rule]]\nname = "cpu"\nseverity = "critical"\ncomparison = ">="\nthreshold = 0\nfor = "0"\n'


def _export(tmp_path: Path) -> None:
    (tmp_path / "hot.toml").write_text(HOT_CPU)
    exported = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "export-rules", "--rules", str(tmp_path / "hot.toml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    ).stdout
    (tmp_path / "alert-rules.yml").write_text(exported)


def _up(url: str) -> list[str]:
    body = requests.get(f"{url}/api/v1/query", params={"query": "up"}, timeout=5).json()
    return [r["value"][1] for r in body["data"]["result"]]


def _alerts(url: str, name: str) -> list[dict]:
    body = requests.get(f"{url}/api/v1/alerts", timeout=5).json()
    return [a for a in body["data"]["alerts"] if a["labels"]["alertname"] == name and a["state"] == "firing"]


@pytest.mark.timeout(400)
def test_per_instance_alerts_and_instance_down_under_a_real_prometheus(tmp_path: Path) -> None:
    _export(tmp_path)
    servers = [LiveServer(tmp_path / f"i{n}.duckdb", "--models-dir", str(tmp_path / f"models{n}"), *ARGS) for n in (1, 2)]
    names = sorted(f"127.0.0.1:{s.port}" for s in servers)
    stopped = f"127.0.0.1:{servers[1].port}"
    with running(tmp_path, scrape_config(servers, rule_files=["alert-rules.yml"]), servers, 90) as url:
        cpu = eventually(
            lambda: (a := _alerts(url, "PredwatchCpuCritical")) and len(a) == 2 and a,
            timeout=90,
            interval=0.5,
            message="two CPU alerts",
        )
        assert sorted(a["labels"]["instance"] for a in cpu) == names
        assert {(a["labels"]["rule"], a["labels"]["severity"]) for a in cpu} == {("cpu", "critical")}
        reader = Fleet(PrometheusSource(url, 5.0), StatusBoard())
        eventually(lambda: reader.instances() == (names, []), timeout=60, interval=0.5, message="both instances up")

        servers[1].stop()
        eventually(
            lambda: reader.instances() == (names, [stopped]), timeout=60, interval=0.5, message="the stopped instance marked down"
        )
        down = eventually(
            lambda: _alerts(url, "PredwatchInstanceDown"), timeout=150, interval=0.5, message="PredwatchInstanceDown firing"
        )
        assert [a["labels"]["instance"] for a in down] == [stopped]
        assert down[0]["labels"]["severity"] == "critical"


@pytest.mark.timeout(300)
def test_a_60_s_scrape_gap_does_not_resolve_an_exported_alert(tmp_path: Path) -> None:
    _export(tmp_path)
    server = LiveServer(tmp_path / "gap.duckdb", "--models-dir", str(tmp_path / "models"), *ARGS)
    with running(tmp_path, scrape_config([server], rule_files=["alert-rules.yml"]), [server], 90) as url:
        [fired] = eventually(lambda: _alerts(url, "PredwatchCpuCritical"), timeout=90, interval=0.5, message="CPU alert")
        os.kill(server.proc.pid, signal.SIGSTOP)  # every scrape now times out: up 0, every series stale
        try:
            seen_down, until = False, time.monotonic() + 60
            while time.monotonic() < until:
                seen_down = seen_down or _up(url) == ["0"]
                assert [a["activeAt"] for a in _alerts(url, "PredwatchCpuCritical")] == [fired["activeAt"]]
                time.sleep(1)
        finally:
            os.kill(server.proc.pid, signal.SIGCONT)
        assert seen_down, "the stopped instance was never scraped as down: no gap was made"
        eventually(lambda: _up(url) == ["1"], timeout=30, interval=0.5, message="scraped again after the gap")
        assert [a["activeAt"] for a in _alerts(url, "PredwatchCpuCritical")] == [fired["activeAt"]]
