"""Predwatch's webhook body against a real Alertmanager's: deploy/alertmanager.yml (its route and
group_by) pointed at a receiver on 127.0.0.1, one alert posted to Alertmanager with the labels
Predwatch gives its own alert; the groupKey, groupLabels and fingerprint Alertmanager sends are the
ones Predwatch computes."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from datetime import datetime
from pathlib import Path

import pytest
import requests

from analytics.alert_export import alert_labels, annotations
from analytics.alert_rules import Rule
from deploy.alert_receiver import describe
from external.webhook import payload
from tests.conftest import ROOT, free_port
from tests.unit.collectors.test_alerting import Receiver
from tests.waiting import eventually

ALERTMANAGER = shutil.which("prometheus-alertmanager")
pytestmark = pytest.mark.skipif(ALERTMANAGER is None, reason="needs prometheus-alertmanager (Debian package)")
DRIFT = Rule("drift", "warning", "drift_psi_max", ">", 0.25)
DOWN = Rule("process_down", "critical", "process_up", "<", 1.0)  # critical: the route's child


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_group_key_and_fingerprint_are_alertmanagers(tmp_path: Path, receiver: Receiver) -> None:
    config = (ROOT / "deploy" / "alertmanager.yml").read_text()
    config = config.replace("http://127.0.0.1:5001/alerts", receiver.url).replace("group_wait: 30s", "group_wait: 0s")
    (tmp_path / "alertmanager.yml").write_text(config)
    port = free_port()
    log = open(tmp_path / "alertmanager.log", "wb")
    proc = subprocess.Popen(
        [
            ALERTMANAGER,
            f"--config.file={tmp_path / 'alertmanager.yml'}",
            f"--storage.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    sent = {
        rule.name: (rule, alert_labels(rule, subject, "127.0.0.1:8050"))
        for rule, subject in ((DRIFT, "model=m1,feature=g"), (DOWN, "process=postgres"))
    }
    alerts = [
        {"labels": labels, "annotations": annotations(rule, 0.8), "generatorURL": "http://x/alerts"}
        for rule, labels in sent.values()
    ]

    def posted() -> bool:
        assert proc.poll() is None, (tmp_path / "alertmanager.log").read_text()  # it exited: stop waiting
        try:
            return requests.post(f"http://127.0.0.1:{port}/api/v2/alerts", timeout=2, json=alerts).status_code == 200
        except requests.RequestException:
            return False

    try:
        started = time.monotonic()
        eventually(posted, timeout=30, interval=0.2, message=lambda: (tmp_path / "alertmanager.log").read_text())
        # start and delivery share one minute: a slow start leaves less time to deliver, never more
        eventually(
            lambda: len(receiver.accepted) >= 2,
            timeout=60 - (time.monotonic() - started),
            interval=0.2,
            message="Alertmanager sending both groups",
        )
    finally:
        proc.terminate()
        proc.wait(15)
        log.close()
    assert len(receiver.accepted) == 2  # two groups: alertnames differ
    for theirs in receiver.accepted:
        rule, labels = sent[theirs["alerts"][0]["labels"]["rule"]]
        ours = payload({"id": "x", "fired_at": datetime(2026, 1, 1)}, "firing", labels, annotations(rule, 0.8))
        assert theirs["groupKey"] == ours["groupKey"], json.dumps(theirs)
        assert theirs["groupLabels"] == ours["groupLabels"]
        assert theirs["alerts"][0]["labels"] == ours["alerts"][0]["labels"]
        assert theirs["alerts"][0]["fingerprint"] == ours["alerts"][0]["fingerprint"]
        assert theirs["version"] == ours["version"] == "4"


@pytest.mark.skipif(shutil.which("amtool") is None, reason="needs amtool (Debian package prometheus-alertmanager)")
def test_amtool_accepts_the_shipped_config() -> None:
    done = subprocess.run(
        ["amtool", "check-config", str(ROOT / "deploy" / "alertmanager.yml")], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout, done.stdout + done.stderr


def test_the_demo_receiver_prints_one_line_per_alert() -> None:
    labels = alert_labels(DOWN, "process=postgres", "127.0.0.1:8050")
    body = payload({"id": "x", "fired_at": datetime(2026, 1, 1)}, "firing", labels, annotations(DOWN, 0.0))
    assert describe(body) == [
        "firing PredwatchProcessDownCritical {instance=127.0.0.1:8050, process=postgres, "
        "rule=process_down, severity=critical}: a watched process's state (1 up, 0 down) < 1"
    ]
