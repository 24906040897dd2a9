"""One alert per subject, and the drift rule held on: the alerting collector on a real temporary
DuckDB with a fake clock, its webhook against a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from prometheus_client import generate_latest

from analytics.alert_export import alert_labels, annotations, to_prometheus_yaml
from analytics.alert_rules import Rule
from collectors.alerting import AlertingCollector
from data.queries import alert_metrics
from data.store import Store
from external.webhook import WebhookNotifier, fingerprint, payload
from telemetry.metrics import Telemetry
from tests.unit.collectors.test_alerting import Receiver

T0 = datetime(2026, 1, 1, 12, 0, 0)
DRIFT = Rule("drift", "warning", "drift_psi_max", ">", 0.25, description="PSI above {threshold}")
DOWN = Rule("process_down", "critical", "process_up", "<", 1.0)
FEATURES = "abcdefg"


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "subjects.duckdb")
    yield s
    s.close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def seed(store: Store, sql: str, rows: list[list]) -> None:
    with store.transaction("seed") as cur:
        cur.executemany(sql, rows)


def importance_history(store: Store, model: str) -> None:
    """Hours of a..e as the most important features, then a newer ranking where g and f lead with
    lower numbers than any old row: ranked over the whole history, no current feature is in the top 5."""
    old = [
        [T0 - timedelta(hours=h), model, f, "permutation", 0.9 - 0.1 * i if i < 5 else 0.01]
        for h in range(2, 6)
        for i, f in enumerate(FEATURES)
    ]
    new = [
        [T0 - timedelta(hours=1), model, f, "permutation", v]
        for f, v in zip("gfabcde", (0.4, 0.3, 0.2, 0.1, 0.05, 0.04, 0.03), strict=True)
    ]
    seed(store, "INSERT INTO feature_importance (ts, model, feature, method, importance) VALUES (?, ?, ?, ?, ?)", old + new)


def drift(store: Store, at: datetime, model: str, psi_g: float) -> None:
    seed(
        store,
        "INSERT INTO feature_drift (ts, model, window_seconds, feature, psi, current_count, verdict) "
        "VALUES (?, ?, 600, ?, ?, 500, 'x')",
        [[at, model, f, psi_g if f == "g" else 0.05] for f in FEATURES],
    )


def test_drift_uses_the_latest_importance_and_held_on_fires_once_and_never_resolves(store, receiver):
    importance_history(store, "m1")
    c = AlertingCollector([DRIFT], store, Telemetry(), interval=10.0, notifier=WebhookNotifier(receiver.url))
    levels = [0.35, 1.71, 0.9, 0.42, 1.2, 0.6, 0.8, 1.5, 0.37, 1.1]
    for second in range(0, 601, 10):  # 10 minutes, a drift pass every minute, an evaluation every 10 s
        now = T0 + timedelta(seconds=second)
        if second % 60 == 0:
            drift(store, now, "m1", levels[second // 60 % len(levels)])
        c.collect(now)
        assert c.state(DRIFT.id, "model=m1,feature=g").state == "firing"
    moves = store.fetch_all("t", "SELECT to_state FROM alert_transitions")
    assert [m[0] for m in moves] == ["pending", "firing"]
    assert [(b["status"], b["alerts"][0]["labels"]) for b in receiver.accepted] == [
        ("firing", {"alertname": "PredwatchDriftWarning", "severity": "warning", "rule": "drift", "model": "m1", "feature": "g"})
    ]
    assert receiver.accepted[0]["alerts"][0]["annotations"]["description"] == "PSI above 0.25"


def test_every_drifting_model_and_every_dead_process_has_its_own_alert(store):
    for model in ("m1", "m2"):
        importance_history(store, model)
        drift(store, T0, model, 0.8)
    seed(
        store,
        "INSERT INTO process_samples (ts, name, up) VALUES (?, ?, ?)",
        [[T0, "postgres", False], [T0, "worker", False], [T0, "web", True]],
    )
    c = AlertingCollector([DRIFT, DOWN], store, Telemetry(), interval=10.0, stale_seconds=30.0)
    c.collect(T0 + timedelta(seconds=5))
    firing = sorted(key for key, s in c.states.items() if s.state == "firing")
    assert firing == [
        ("drift:warning", "model=m1,feature=g"),
        ("drift:warning", "model=m2,feature=g"),
        ("process_down:critical", "process=postgres"),
        ("process_down:critical", "process=worker"),
    ]
    rows = store.fetch_all("t", "SELECT id, subject FROM alerts WHERE state = 'firing' ORDER BY id")
    assert len({r[0] for r in rows}) == 4
    assert {r[1] for r in rows} == {k[1] for k in firing}
    # postgres comes back, worker's samples stop: postgres resolves, worker keeps firing (no data, not up)
    seed(store, "INSERT INTO process_samples (ts, name, up) VALUES (?, ?, ?)", [[T0 + timedelta(seconds=40), "postgres", True]])
    c.collect(T0 + timedelta(seconds=45))
    assert c.state(DOWN.id, "process=postgres").state == "inactive"
    assert c.state(DOWN.id, "process=worker").state == "firing"


def test_values_and_metrics_gauges_carry_the_subject_labels(store):
    importance_history(store, "m1")
    drift(store, T0, "m1", 0.8)
    values = alert_metrics.current_values(store, T0 + timedelta(seconds=1), 10.0, [])
    assert values["drift_psi_max", 0.0] == [(0.05, 500, f"model=m1,feature={f}", None) for f in "abcf"] + [
        (0.8, 500, "model=m1,feature=g", None)  # (value, samples, subject, standard error: PSI has none)
    ]
    telemetry = Telemetry()
    c = AlertingCollector([DRIFT], store, telemetry, interval=10.0)
    c.collect(T0 + timedelta(seconds=1))
    text = generate_latest(telemetry.registry).decode()
    assert 'drift_psi_max{feature="g",model="m1"} 0.8' in text
    assert 'alerts_firing{feature="g",model="m1",process="",rule="drift",severity="warning"} 1.0' in text
    assert 'alerts_firing{feature="",model="",process="",rule="drift",severity="warning"} 0.0' in text


def test_webhook_labels_are_the_exported_rules_labels_and_group_key_is_alertmanagers():
    row = {"id": "x", "fired_at": T0, "value": 0.8}
    labels = alert_labels(DRIFT, "model=m1,feature=g", "a:8050")
    # what Prometheus gives PredwatchDriftWarning's alert: the rule's labels plus the series' labels
    exported = to_prometheus_yaml([DRIFT])
    assert '"severity": "warning"' in exported
    assert '"rule": "drift"' in exported
    assert "max by (instance, model, feature)" in exported
    assert labels == {
        "alertname": "PredwatchDriftWarning",
        "severity": "warning",
        "rule": "drift",
        "model": "m1",
        "feature": "g",
        "instance": "a:8050",
    }
    body = payload(row, "firing", labels, annotations(DRIFT, 0.8))
    assert body["groupKey"] == '{}:{alertname="PredwatchDriftWarning", instance="a:8050"}'
    assert body["groupLabels"] == {"alertname": "PredwatchDriftWarning", "instance": "a:8050"}
    assert body["alerts"][0]["annotations"] == {
        "summary": "PSI of one of a model's five most important features > 0.25 PSI",
        "description": "PSI above 0.25",
        "value": "0.8",
    }
    # Alertmanager's fingerprint (FNV-1a 64 of sorted names and values): the empty set is the offset basis
    assert fingerprint({}) == "cbf29ce484222325"
    assert len(body["alerts"][0]["fingerprint"]) == 16
    assert fingerprint({"b": "2", "a": "1"}) == fingerprint({"a": "1", "b": "2"}) != fingerprint({"a": "2", "b": "1"})
