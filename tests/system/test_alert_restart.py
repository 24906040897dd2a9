"""Restart while an alert fires: two real `python app.py` processes on one database, one after the
other, notifying a real webhook receiver on 127.0.0.1. The new process evaluates before its first
host sample is stored; that missing value must not resolve anything."""

from __future__ import annotations

import signal
import time

import pytest
import requests

from tests.unit.collectors.test_alerting import Receiver
from tests.waiting import eventually

# cpu:critical fires after 1 s at any CPU; cpu:warning stays pending (its `for` is an hour).
RULES = (
    '[[rule]]\nname = "cpu"\nseverity = "critical"\ncomparison = ">="\nthreshold = 0\nfor = "1s"\n\n'
    '[[rule]]\nname = "cpu"\nseverity = "warning"\ncomparison = ">="\nthreshold = 0\nfor = "1h"\n'
)


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


WAIT = 60  # seconds: a deadline, not a speed (each wait ends as soon as its condition holds)


def _cpu_alerts(url: str) -> dict[str, dict]:
    rows = requests.get(f"{url}/api/alerts?limit=50", timeout=5).json()["alerts"]
    rows += requests.get(f"{url}/api/alerts?state=pending&limit=50", timeout=5).json()["alerts"]
    return {r["rule"]: r for r in rows if r["state"] in ("firing", "pending")}


def test_restart_while_firing_keeps_starts_at_and_sends_no_resolve(start_server, tmp_path, receiver):
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES)
    args = ("--rules", str(rules), "--alert-interval", "0.5", "--alert-webhook", receiver.url)
    first = start_server(*args)
    eventually(
        lambda: [b for b in receiver.accepted if b["status"] == "firing"],
        timeout=WAIT,
        interval=0.2,
        message="a firing notification",
    )
    before = eventually(
        lambda: (a := _cpu_alerts(first.url)).get("cpu:warning") and a, timeout=WAIT, interval=0.2, message="a pending warning"
    )
    assert before["cpu:critical"]["state"] == "firing"
    first.stop(signal.SIGINT)

    second = start_server(*args)
    restarted = time.time()
    # several evaluations, the first before any new host sample, then with fresh samples
    after = eventually(
        lambda: (
            (a := _cpu_alerts(second.url))
            and a["cpu:critical"]["last_eval_at"] > before["cpu:critical"]["last_eval_at"]
            and time.time() > restarted + 4
            and a
        ),
        timeout=WAIT,
        interval=0.2,
        message="evaluations after the restart",
    )
    assert after["cpu:critical"]["state"] == "firing"
    assert after["cpu:critical"]["fired_at"] == before["cpu:critical"]["fired_at"]
    assert after["cpu:warning"]["state"] == "pending"
    assert after["cpu:warning"]["started_at"] == before["cpu:warning"]["started_at"]  # its clock kept
    statuses = [(b["status"], b["alerts"][0]["labels"]["alertname"], b["alerts"][0]["startsAt"]) for b in receiver.accepted]
    assert [s for s in statuses if s[0] == "resolved"] == []
    assert {s[2] for s in statuses if s[1] == "PredwatchCpuCritical"} == {before["cpu:critical"]["fired_at"]}
    assert "-> resolved" not in second.log()
    assert "-> inactive" not in second.log()
