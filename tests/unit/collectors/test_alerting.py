"""The alerting collector on a real temporary DuckDB with a fake clock, and its webhook against a real
HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from analytics.alert_rules import Rule
from collectors.alerting import AlertingCollector
from data.store import Store
from external.webhook import WebhookNotifier
from telemetry.metrics import Telemetry

T0 = datetime(2026, 1, 1, 12, 0, 0)
CPU = Rule("cpu", "critical", "cpu_percent", ">", 90.0, for_seconds=300, description="CPU above 90 %")


def sample(store: Store, at: datetime, cpu: float) -> None:
    with store.transaction("seed") as cur:
        cur.execute(
            "INSERT INTO system_samples (ts, cpu_percent, memory_percent, disk_used_percent) VALUES (?, ?, 1, 1)", [at, cpu]
        )


def collector(store: Store, notifier: WebhookNotifier | None = None, repeat: float = 3600.0) -> AlertingCollector:
    return AlertingCollector(
        [CPU], store, Telemetry(), interval=10.0, stale_seconds=15.0, notifier=notifier, repeat_interval=repeat
    )


def step(c: AlertingCollector, store: Store, at_seconds: float, cpu: float | None) -> str:
    now = T0 + timedelta(seconds=at_seconds)
    if cpu is not None:
        sample(store, now, cpu)
    c.collect(now)
    return c.state(CPU.id).state


def test_restart_in_the_middle_of_pending_keeps_its_start_time(store):
    first = collector(store)
    assert [step(first, store, s, 95.0) for s in (0, 10, 120)] == ["pending"] * 3
    second = collector(store)  # a restart: new collector, same database
    assert step(second, store, 130, 95.0) == "pending"
    assert second.state(CPU.id).active_at == T0
    assert step(second, store, 290, 95.0) == "pending"
    assert step(second, store, 301, 95.0) == "firing"  # 5 min after the first pending evaluation, not the restart


def test_firing_survives_a_restart_and_every_transition_is_stored(store):
    c = collector(store)
    for s in range(0, 310, 10):
        step(c, store, s, 95.0)
    assert c.state(CPU.id).state == "firing"
    again = collector(store)
    assert step(again, store, 320, 95.0) == "firing"
    assert again.state(CPU.id).fired_at == T0 + timedelta(seconds=300)
    assert step(again, store, 330, 20.0) == "inactive"
    rows = store.fetch_dicts("t", "SELECT state, started_at, fired_at, resolved_at FROM alerts")
    assert rows == [
        {
            "state": "resolved",
            "started_at": T0,
            "fired_at": T0 + timedelta(seconds=300),
            "resolved_at": T0 + timedelta(seconds=330),
        }
    ]
    moves = store.fetch_all("t", "SELECT from_state, to_state, value FROM alert_transitions ORDER BY ts")
    assert moves == [("inactive", "pending", 95.0), ("pending", "firing", 95.0), ("firing", "resolved", 20.0)]


def test_no_fresh_sample_is_no_data_not_an_error_and_not_a_false_condition(store):
    c = collector(store)
    assert step(c, store, 0, 95.0) == "pending"
    assert step(c, store, 100, None) == "pending"  # the newest sample is 100 s old: stale, state kept
    assert c.state(CPU.id).active_at == T0


class Receiver:
    """A webhook receiver on 127.0.0.1 that answers with the statuses queued in `replies` (then 200)."""

    def __init__(self) -> None:
        self.accepted: list[dict] = []
        self.refused = 0
        self.replies: list[int] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                code = outer.replies.pop(0) if outer.replies else 200
                if code == 200:
                    outer.accepted.append(body)
                else:
                    outer.refused += 1
                self.send_response(code)
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_webhook_gets_one_firing_and_one_resolved_per_incident_and_retries_after_a_500(store, receiver):
    notifier = WebhookNotifier(receiver.url, timeout_seconds=2.0, backoff_seconds=15.0)
    c = collector(store, notifier)
    receiver.replies = [500]  # the first delivery fails
    for s in range(0, 310, 10):
        step(c, store, s, 95.0)
    assert receiver.refused == 1
    assert receiver.accepted == []  # retried only after the backoff
    step(c, store, 310, 95.0)
    assert receiver.accepted == []  # 10 s after the failure, the 15 s backoff has not passed
    step(c, store, 320, 95.0)
    assert [b["status"] for b in receiver.accepted] == ["firing"]
    for s in range(330, 400, 10):  # still firing: no repeat before repeat_interval
        step(c, store, s, 95.0)
    step(c, store, 400, 20.0)
    step(c, store, 410, 20.0)
    assert [b["status"] for b in receiver.accepted] == ["firing", "resolved"]
    body = receiver.accepted[1]
    assert body["version"] == "4"
    assert body["receiver"] == "predwatch"
    alert = body["alerts"][0]
    assert alert["labels"] == {"alertname": "PredwatchCpuCritical", "severity": "critical", "rule": "cpu"}
    assert alert["startsAt"] == "2026-01-01T12:05:00.000Z"
    assert alert["endsAt"] == "2026-01-01T12:06:40.000Z"
    assert store.fetch_one("t", "SELECT notified_state FROM alerts")[0] == "resolved"
    # a second incident gets its own pair
    for s in range(500, 820, 10):
        step(c, store, s, 95.0)
    step(c, store, 820, 20.0)
    assert [b["status"] for b in receiver.accepted] == ["firing", "resolved", "firing", "resolved"]


def test_still_firing_is_repeated_only_after_repeat_interval_and_not_again_after_a_restart(store, receiver):
    c = collector(store, WebhookNotifier(receiver.url, timeout_seconds=2.0), repeat=600.0)
    for s in range(0, 900, 10):
        step(c, store, s, 95.0)
    assert [b["status"] for b in receiver.accepted] == ["firing"]  # fired at 300 s; repeat due at 900 s
    step(c, store, 900, 95.0)
    assert [b["status"] for b in receiver.accepted] == ["firing", "firing"]
    restarted = collector(store, WebhookNotifier(receiver.url, timeout_seconds=2.0), repeat=600.0)
    step(restarted, store, 910, 95.0)
    assert len(receiver.accepted) == 2  # already delivered: a restart does not send it again


def test_a_lasting_gap_keeps_the_alert_firing_and_raises_its_own_no_data_alert(store, receiver):
    c = collector(store, WebhookNotifier(receiver.url, timeout_seconds=2.0))
    for s in range(0, 310, 10):
        step(c, store, s, 95.0)
    # silence: the sample of 300 s is fresh until 315 s (stale_seconds), so the gap counts from 310 s
    assert [step(c, store, s, None) for s in range(310, 910, 10)] == ["firing"] * 60
    assert c.state("cpu_no_data:critical").state == "inactive"  # 590 s without data: not yet
    assert step(c, store, 910, None) == "firing"
    assert c.state("cpu_no_data:critical").state == "firing"
    assert [(b["alerts"][0]["labels"]["alertname"], b["status"]) for b in receiver.accepted] == [
        ("PredwatchCpuCritical", "firing"),
        ("PredwatchCpuNoDataCritical", "firing"),
    ]
    step(c, store, 920, 20.0)  # the collector is back and the CPU is low: both end
    assert c.state(CPU.id).state == "inactive"
    assert c.state("cpu_no_data:critical").state == "inactive"
    assert [b["status"] for b in receiver.accepted][2:] == ["resolved", "resolved"]


def test_restart_while_firing_without_a_fresh_sample_sends_no_resolve(store, receiver):
    ok_rule = Rule("cpu", "critical", "cpu_percent", ">", 90.0, for_seconds=300, no_data="ok")
    first = AlertingCollector(
        [ok_rule],
        store,
        Telemetry(),
        interval=10.0,
        stale_seconds=15.0,
        notifier=WebhookNotifier(receiver.url, timeout_seconds=2.0),
    )
    for s in range(0, 310, 10):
        step(first, store, s, 95.0)
    assert [b["status"] for b in receiver.accepted] == ["firing"]
    second = AlertingCollector(
        [ok_rule],
        store,
        Telemetry(),
        interval=10.0,
        stale_seconds=15.0,
        notifier=WebhookNotifier(receiver.url, timeout_seconds=2.0),
    )
    # 40 s down, then 30 s before the first host sample: even `no_data = "ok"` waits for a fresh sample
    assert [step(second, store, s, None) for s in (350, 360, 370)] == ["firing"] * 3
    assert step(second, store, 380, 95.0) == "firing"
    assert second.state(CPU.id).fired_at == T0 + timedelta(seconds=300)
    assert [b["status"] for b in receiver.accepted] == ["firing"]  # not re-sent, never resolved
    assert step(second, store, 400, None) == "inactive"  # fresh since the start: now `ok` applies
