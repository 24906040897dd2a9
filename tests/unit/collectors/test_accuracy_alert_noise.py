"""The shipped accuracy rule ("drop > 2 points") fires only when the drop is also beyond its standard errors:
a 2.5-point drop on 200 labelled rows is noise (its error is 2.4 points), on 50,000 it is not. On a real
DuckDB, through the stored evaluation row, the alert's metric read and the alerting collector; the backtest
over the same stored rows agrees."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np
import pytest
from prometheus_client import generate_latest

from analytics.alert_backtest import backtest
from answers import sampling
from answers.results import BinaryQuality, evaluation_row
from collectors.alerting import AlertingCollector
from data.queries import alert_metrics
from data.store import Store
from data.writer import Writer
from runtime.rules import load_rules
from telemetry.metrics import Telemetry

T0 = datetime(2026, 1, 1, 12, 0, 0)
REFERENCE, REFERENCE_ROWS = 0.90, 2_000


def window(model: str, labelled: int, accuracy: float, at: datetime) -> BinaryQuality:
    """A window whose accuracy is `accuracy` on `labelled` rows, against a 0.90 reference of 2,000 rows."""
    right = round(accuracy * labelled)
    tp, tn = right // 2, right - right // 2
    fp = (labelled - right) // 2
    found = BinaryQuality(
        ts=at, model=model, model_version=None, window_seconds=900, predictions=labelled, labelled=labelled,
        unlabelled=0, positives=tp + labelled - right - fp, status="ok", accuracy=right / labelled,
        reference_accuracy=REFERENCE, accuracy_drop=REFERENCE - right / labelled,
        tp=tp, fp=fp, tn=tn, fn=labelled - right - fp,
    )  # fmt: skip
    return sampling.binary(found, None, REFERENCE_ROWS)


@pytest.fixture
def rule():
    (found,) = [r for r in load_rules(None) if r.metric == "accuracy_drop_points" and r.enabled]
    return replace(found, for_seconds=0.0)


def firing(store: Store, rule, labelled: int) -> str:
    Writer(store).write_now({"model_evaluations": [evaluation_row(window("m", labelled, 0.875, T0))]})
    alerting = AlertingCollector([rule], store, Telemetry(), interval=10.0)
    alerting.collect(T0 + timedelta(seconds=1))
    return alerting.state(rule.id, "model=m").state


def test_a_drop_past_the_threshold_within_the_noise_does_not_fire(store: Store, rule) -> None:
    assert firing(store, rule, 200) == "inactive"


def test_the_same_drop_on_many_rows_fires(store: Store, rule) -> None:
    assert firing(store, rule, 50_000) == "firing"


def test_the_rule_states_its_k_and_the_metric_carries_the_error(store: Store, rule) -> None:
    Writer(store).write_now({"model_evaluations": [evaluation_row(window("m", 200, 0.875, T0))]})
    (seen,) = alert_metrics.current_values(store, T0 + timedelta(seconds=1), 60, [])[("accuracy_drop_points", 0.0)]
    expected = 100 * np.sqrt(0.875 * 0.125 / 200 + 0.9 * 0.1 / 2000)
    assert seen.error == pytest.approx(expected, rel=1e-9)


def test_the_backtest_applies_the_same_gate(store: Store, rule) -> None:
    rows = [evaluation_row(window("m", n, 0.875, T0 + timedelta(minutes=i))) for i, n in enumerate((200, 200, 50_000))]
    Writer(store).write_now({"model_evaluations": rows})
    series = alert_metrics.metric_series(store, rule.metric, T0 - timedelta(minutes=1), T0 + timedelta(minutes=5))
    t = np.arange(len(series), dtype=float) * 60
    found = backtest(
        rule, t, series["value"].to_numpy(float), series["samples"].to_numpy(float), errors=series["error"].to_numpy(float)
    )
    assert found.periods == [(120.0, None)]


def test_k_is_settable_per_rule(store: Store, rule) -> None:
    assert firing(store, replace(rule, standard_errors=0.5), 200) == "firing"


def test_metrics_carries_the_drop_and_its_standard_error_for_the_exported_rule(store: Store, rule) -> None:
    Writer(store).write_now({"model_evaluations": [evaluation_row(window("m", 200, 0.875, T0))]})
    telemetry = Telemetry()
    AlertingCollector([rule], store, telemetry, interval=10.0).collect(T0 + timedelta(seconds=1))
    text = generate_latest(telemetry.registry).decode()
    (line,) = [x for x in text.splitlines() if x.startswith('accuracy_drop_se_points{model="m"}')]
    assert float(line.split()[-1]) == pytest.approx(100 * np.sqrt(0.875 * 0.125 / 200 + 0.9 * 0.1 / 2000), rel=1e-9)


def test_the_series_error_is_the_one_of_the_model_whose_drop_it_shows(store: Store) -> None:
    """The series takes the largest drop of the models at each time: its error is that model's, none if it has none."""
    unsure = replace(window("a", 200, 0.80, T0), accuracy_drop_se=None)  # the largest drop, without an error
    Writer(store).write_now({"model_evaluations": [evaluation_row(unsure), evaluation_row(window("b", 50_000, 0.875, T0))]})
    series = alert_metrics.metric_series(store, "accuracy_drop_points", T0 - timedelta(minutes=1), T0 + timedelta(minutes=1))
    assert np.isnan(series["error"].to_numpy(float)).tolist() == [True]
