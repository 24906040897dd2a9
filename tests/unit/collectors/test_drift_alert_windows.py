"""The drift alert on the demo's traffic, on a real DuckDB with an injected clock: the evaluation pass
(its "recent" 30 s window, 15 m and 24 h) and the shipped drift rule, pass after pass. With input drift
off for 10 minutes no drift alert starts on any feature; with it on the alert fires within two passes
and stays firing exactly while the window it reads (the shortest one meeting the sample gate) shows
drift."""

from __future__ import annotations

from datetime import datetime, timedelta

from collectors.alerting import AlertingCollector
from collectors.evaluation import EvaluationCollector
from data.clock import utcnow
from data.queries import alert_metrics
from predictor.scenario import Drift
from telemetry.metrics import Telemetry
from tests.model_feed import feed

PASS = timedelta(seconds=30)
ROWS_PER_PASS = 300  # 10 requests/s, half the demo's default rate


class Passes:
    """Traffic, an evaluation pass and an alerting pass every 30 s of the injected clock."""

    def __init__(self, app, start: datetime) -> None:
        runtime = app.predwatch.runtime
        self.app, self.runtime, self.now, self.seed = app, runtime, start, 0
        self.evaluation = EvaluationCollector(
            runtime.store,
            runtime.writer,
            runtime.telemetry.quality,
            app.server.extensions["predwatch.service"].models,
            interval=30,
            windows={"15m": 900, "24h": 86400},
            min_samples=200,
            recent_seconds=30,
        )
        self.rules = [r for r in runtime.rules if r.metric == "drift_psi_max" and r.enabled]
        assert self.rules, "the shipped drift rule"
        self.alerting = AlertingCollector(self.rules, runtime.store, Telemetry(), interval=30)

    def step(self, drift: Drift) -> dict[str, tuple[bool, float]]:
        """One pass: subject -> (firing, the PSI the alert read)."""
        for k in range(6):  # the pass's rows spread over its 30 s
            self.seed += 1
            feed(self.app, ROWS_PER_PASS // 6, self.seed, drift, at=self.now + timedelta(seconds=1 + 5 * k))
        self.now += PASS
        out = self.evaluation.collect(self.now)
        for table, rows in out.items():
            self.runtime.writer.enqueue_many(table, rows)
        self.runtime.writer.flush()
        at = self.now + timedelta(seconds=1)
        observed = alert_metrics.current_values(self.runtime.store, at, 60, [])[("drift_psi_max", 0.0)]
        self.alerting.collect(at)
        rule = self.rules[0]
        return {o.subject: (self.alerting.state(rule.id, o.subject).state == "firing", o.value) for o in observed}


def test_no_drift_alert_in_ten_minutes_without_drift_and_one_within_two_passes_with_it(app) -> None:
    start = utcnow().replace(second=0, microsecond=0) - timedelta(hours=2)
    passes = Passes(app, start)
    threshold = passes.rules[0].threshold
    for _ in range(20):  # 10 minutes of traffic without drift
        found = passes.step(Drift())
        assert found, "drift is evaluated on every pass"
        assert not any(firing for firing, _ in found.values()), found
        assert max(v for _, v in found.values()) < threshold
    firing_at = None
    for i in range(1, 5):  # input drift on
        found = passes.step(Drift(input=1.0))
        fired = {s for s, (firing, _) in found.items() if firing}
        if fired and firing_at is None:
            firing_at = i
        if firing_at is not None:
            assert fired, f"stays firing while drift is on (pass {i})"
    assert firing_at is not None and firing_at <= 2
    for _ in range(3):  # drift off: each alert follows the window it reads, no sooner, no later
        found = passes.step(Drift())
        for subject, (firing, value) in found.items():
            assert firing == (value > threshold), (subject, firing, value)
    assert not any(firing for firing, _ in found.values())


def test_the_alert_reads_the_shortest_window_meeting_the_sample_gate(store) -> None:
    """A 30 s window below the gate (no PSI: 480 rows over 52 category buckets) gives way to the 15 m
    window of the same pass; one that meets it is read before the longer ones."""
    at = datetime(2026, 1, 1, 12, 0, 0)
    rows = [
        # (window, feature, psi, current rows): purpose's 30 s window is under the gate, income's is not
        (30, "purpose", None, 480),
        (900, "purpose", 0.03, 14_000),
        (86400, "purpose", 0.02, 900_000),
        (30, "income", 0.31, 300),
        (900, "income", 0.04, 9_000),
    ]
    with store.transaction("seed") as cur:
        cur.executemany(
            "INSERT INTO feature_drift (ts, model, window_seconds, feature, psi, current_count, verdict) "
            "VALUES (?, 'm', ?, ?, ?, ?, ?)",
            [(at, w, f, psi, n, "insufficient_data" if psi is None else "none") for w, f, psi, n in rows]
            + [(at - timedelta(seconds=30), 30, "purpose", 0.26, 600, "significant")],  # an older pass
        )
    found = {o.subject: (o.value, o.samples) for o in alert_metrics.current_values(store, at, 60, [])[("drift_psi_max", 0.0)]}
    assert found == {"model=m,feature=income": (0.31, 300), "model=m,feature=purpose": (0.03, 14_000)}
    series = alert_metrics.metric_series(store, "drift_psi_max", at - timedelta(minutes=1), at)
    assert series["value"].tolist() == [0.26, 0.31]
