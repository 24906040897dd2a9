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


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "alerts.duckdb")
    yield s
    s.close()


def sample(store: Store, at: datetime, cpu: float) -> None:
    with store.transaction("seed") as cur:
        cur.execute("INSERT INTO system_samples (ts, cpu_percent, memory_percent, disk_used_percent) VALUES (?, ?, 1, 1)",
                    [at, cpu])


def collector(store: Store, notifier: WebhookNotifier | None = None, repeat: float = 3600.0) -> AlertingCollector:
    return AlertingCollector([CPU], store, Telemetry(), interval=10.0, stale_seconds=15.0, notifier=notifier,
                             repeat_interval=repeat)


def step(c: AlertingCollector, store: Store, at_seconds: float, cpu: float | None) -> str:
    now = T0 + timedelta(seconds=at_seconds)
    if cpu is not None:
        sample(store, now, cpu)
    c.collect(now)
    return c.states[CPU.id].state


def test_restart_in_the_middle_of_pending_keeps_its_start_time(store):
    first = collector(store)
    assert [step(first, store, s, 95.0) for s in (0, 10, 120)] == ["pending"] * 3
    second = collector(store)  # a restart: new collector, same database
    assert step(second, store, 130, 95.0) == "pending"
    assert second.states[CPU.id].active_at == T0
    assert step(second, store, 290, 95.0) == "pending"
    assert step(second, store, 301, 95.0) == "firing"  # 5 min after the first pending evaluation, not the restart


def test_firing_survives_a_restart_and_every_transition_is_stored(store):
    c = collector(store)
    for s in range(0, 310, 10):
        step(c, store, s, 95.0)
    assert c.states[CPU.id].state == "firing"
    again = collector(store)
    assert step(again, store, 320, 95.0) == "firing" and again.states[CPU.id].fired_at == T0 + timedelta(seconds=300)
    assert step(again, store, 330, 20.0) == "inactive"
    rows = store.fetch_dicts("t", "SELECT state, started_at, fired_at, resolved_at FROM alerts")
    assert rows == [{"state": "resolved", "started_at": T0, "fired_at": T0 + timedelta(seconds=300),
                     "resolved_at": T0 + timedelta(seconds=330)}]
    moves = store.fetch_all("t", "SELECT from_state, to_state, value FROM alert_transitions ORDER BY ts")
    assert moves == [("inactive", "pending", 95.0), ("pending", "firing", 95.0), ("firing", "resolved", 20.0)]


def test_no_fresh_sample_is_no_data_not_an_error(store):
    c = collector(store)
    assert step(c, store, 0, 95.0) == "pending"
    assert step(c, store, 100, None) == "inactive"  # the newest sample is 100 s old: stale


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
    assert receiver.refused == 1 and receiver.accepted == []  # retried only after the backoff
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
    assert body["version"] == "4" and body["receiver"] == "predwatch"
    alert = body["alerts"][0]
    assert alert["labels"] == {"alertname": "cpu", "severity": "critical", "rule": "cpu:critical", "metric": "cpu_percent"}
    assert alert["startsAt"] == "2026-01-01T12:05:00.000Z" and alert["endsAt"] == "2026-01-01T12:06:40.000Z"
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
