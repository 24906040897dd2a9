"""The demo's input drift through the real workload (real service, models and scenario) and the real
evaluation job with a 5 s interval, on a simulated clock so the test neither waits nor depends on how
busy the machine is: within two evaluation passes after the switch, the drifted features' PSI is
above 0.25 and every other feature's stays below 0.1."""

from __future__ import annotations

from datetime import datetime, timedelta

from collectors.evaluation import EvaluationCollector
from predictor.demo import DemoControls
from predictor.models import CHALLENGER, CHAMPION
from predictor.scenario import DRIFTED_FEATURES, FEATURES
from predictor.service import PredictionService
from predictor.workload import WorkloadCollector

INTERVAL = 5
TICK = timedelta(seconds=0.5)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_input_drift_stands_out_within_two_evaluation_passes(app) -> None:
    runtime = app.predwatch.runtime
    models = app.server.extensions["predwatch.service"].models
    clock = FakeClock(datetime(2026, 11, 27, 15, 0))  # mid-afternoon: the workload's daily peak
    service = PredictionService(models, runtime.writer, runtime.telemetry.predictions, CHAMPION, clock=clock)
    controls = DemoControls()
    workload = WorkloadCollector(service, controls, rate=500, challenger=CHALLENGER, seed=3)
    evaluation = EvaluationCollector(
        runtime.store, runtime.writer, runtime.telemetry.quality, models, interval=INTERVAL, windows={"15m": 900}, min_samples=200
    )

    def run_interval(switch_midway: bool = False) -> dict[str, float]:
        """One interval of traffic in 0.5 s ticks, then one evaluation pass; the pass's recent-window PSI."""
        for tick in range(int(INTERVAL / TICK.total_seconds())):
            if switch_midway and tick == 3:
                controls.set({"input_drift": True})
            clock.now += TICK
            runtime.writer.enqueue_many("outcomes", workload.collect(clock.now)["outcomes"])
        runtime.writer.flush()
        out = evaluation.collect(clock.now)
        recent = [r for r in out["feature_drift"] if r[1] == CHAMPION and r[2] == INTERVAL]
        assert all(r[9] != "insufficient_data" for r in recent), recent
        return {r[3]: r[4] for r in recent}

    run_interval()
    before = run_interval()
    assert max(before[f] for f in FEATURES) < 0.1, before

    run_interval(switch_midway=True)  # the first pass after the switch sees a mixed window
    after = run_interval()
    assert min(after[f] for f in DRIFTED_FEATURES) > 0.25, after
    assert max(after[f] for f in set(FEATURES) - set(DRIFTED_FEATURES)) < 0.1, after
