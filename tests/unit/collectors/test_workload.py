"""The built-in workload: real predictions through the service, outcomes arriving later, switches."""

from __future__ import annotations

from datetime import timedelta

import pytest

from collectors.runner import CollectorRunner
from data.clock import utcnow
from predictor.demo import DemoControls
from predictor.models import CHALLENGER
from predictor.workload import WorkloadCollector


@pytest.fixture
def parts(app):
    service = app.server.extensions["predwatch.service"]
    return app, service, app.predwatch.runtime


def rows(runtime, sql: str) -> list[tuple]:
    runtime.writer.flush()
    return runtime.store.fetch_all("t", sql)


def test_predictions_now_and_outcomes_later(parts) -> None:
    app, service, runtime = parts
    workload = WorkloadCollector(
        service,
        DemoControls(),
        rate=300,
        challenger=CHALLENGER,
        invalid_share=0.1,
        labelled_share=1.0,
        label_delay=(0.2, 0.4),
        seed=1,
    )
    now = utcnow()
    first = workload.collect(now)
    assert first["outcomes"] == []  # labels are never immediate
    by_model = dict(rows(runtime, "SELECT model, count(*) FROM predictions WHERE status = 'ok' GROUP BY 1"))
    assert by_model["credit-gbm"] == by_model["credit-logreg"] > 10  # the challenger shadows every valid request
    errors = rows(runtime, "SELECT error_kind, count(*) FROM predictions WHERE status = 'error' GROUP BY 1")
    assert errors
    assert errors[0][0] == "validation_error"
    later = workload.collect(now + timedelta(seconds=1))["outcomes"]
    assert len(later) == 2 * by_model["credit-gbm"]  # every valid prediction of both models gets its label
    ids = {r[0] for r in rows(runtime, "SELECT id FROM predictions WHERE status = 'ok'")}
    assert {o[0] for o in later} <= ids
    assert all(o[1] in (0, 1) for o in later)
    assert all(o[2] <= now + timedelta(seconds=1) for o in later)


def test_outcomes_reach_the_store_through_the_runner(parts) -> None:
    """The runner stores what the workload returns; its clock is injected, so no waiting on the machine."""
    app, service, runtime = parts
    clock = {"now": utcnow()}
    runner = CollectorRunner(runtime.writer, runtime.telemetry, runtime.board, clock=lambda: clock["now"])
    workload = WorkloadCollector(
        service,
        DemoControls(),
        rate=200,
        labelled_share=1.0,
        label_delay=(0.05, 0.1),
        interval=0.5,
        seed=2,
        monotonic=lambda: 0.0,
    )
    assert runner.run_once(workload)
    first_pass = rows(runtime, "SELECT count(*) FROM predictions WHERE status = 'ok'")[0][0]
    clock["now"] += timedelta(seconds=1)  # every label of the first pass is due now (the second pass predicts more)
    assert runner.run_once(workload)
    matched = rows(runtime, "SELECT count(*) FROM outcomes o JOIN predictions p USING (id)")[0][0]
    assert first_pass > 20
    assert matched == first_pass


def test_error_burst_and_load_spike(parts) -> None:
    app, service, runtime = parts
    controls = DemoControls(burst_error_share=0.5)
    workload = WorkloadCollector(service, controls, rate=100, invalid_share=0.0, seed=3)
    assert controls.rate_factor() == 1.0
    controls.set({"error_burst": True, "load_spike": True})
    assert controls.rate_factor() == controls.spike_factor > 1
    for _ in range(3):
        workload.collect(utcnow())
    kinds = dict(rows(runtime, "SELECT error_kind, count(*) FROM predictions WHERE status = 'error' GROUP BY 1"))
    assert kinds.get("model_error", 0) > 5
    assert "validation_error" not in kinds


def test_scheduled_switch_turns_on_by_itself() -> None:
    controls = DemoControls(scheduled={"input_drift": 5.0})
    controls.apply_schedule(4.9)
    assert not controls.input_drift
    controls.apply_schedule(5.0)
    assert controls.input_drift
    assert controls.drift().input == 1.0
    assert not controls.scheduled
    with pytest.raises(ValueError):
        controls.set({"nonsense": True})


def test_switch_changes_are_returned_once_with_their_times(parts) -> None:
    """Every switch's state at the start, then each change at the clock's time; a repeated state records nothing."""
    _, service, _ = parts
    clock = {"now": utcnow()}
    controls = DemoControls(clock=lambda: clock["now"], scheduled={"error_burst": 5.0})
    mono = {"t": 0.0}
    workload = WorkloadCollector(service, controls, rate=0, seed=1, monotonic=lambda: mono["t"])
    start = clock["now"]
    assert workload.collect(start)["demo_switches"] == [
        (start, "input_drift", False),
        (start, "concept_drift", False),
        (start, "load_spike", False),
        (start, "error_burst", False),
    ]
    clock["now"] = start + timedelta(seconds=2)
    controls.set({"load_spike": True, "input_drift": False})
    mono["t"], clock["now"] = 6.0, start + timedelta(seconds=6)
    assert workload.collect(clock["now"])["demo_switches"] == [
        (start + timedelta(seconds=2), "load_spike", True),
        (start + timedelta(seconds=6), "error_burst", True),  # the schedule's switch, at the pass that applied it
    ]
    assert workload.collect(clock["now"])["demo_switches"] == []
