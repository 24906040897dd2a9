"""/metrics carries every feature's PSI and each feature's importance rank, so the exported drift rule
ranks in PromQL: a feature leaving the top five keeps its PSI series (a vanishing series would resolve
a firing alert in Prometheus)."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import generate_latest

from collectors.alerting import AlertingCollector
from data.store import Store
from telemetry.metrics import Telemetry
from tests.unit.collectors.test_alerting_subjects import DRIFT, FEATURES, T0, drift, importance_history, seed, store

__all__ = ["store"]  # the fixture


def _metrics(c: AlertingCollector, telemetry: Telemetry, at: int) -> str:
    c.collect(T0 + timedelta(seconds=at))
    return generate_latest(telemetry.registry).decode()


def test_every_features_psi_and_rank_on_metrics_whatever_the_ranking(store: Store) -> None:
    importance_history(store, "m1")  # newest ranking: g f a b c d e
    drift(store, T0, "m1", 0.8)
    telemetry = Telemetry()
    c = AlertingCollector([DRIFT], store, telemetry, interval=10.0)
    text = _metrics(c, telemetry, 1)
    for f in FEATURES:  # d and e are outside the top five, their PSI is there all the same
        assert f'drift_psi_max{{feature="{f}",model="m1"}}' in text
    assert 'feature_importance_rank{feature="g",model="m1"} 1.0' in text
    assert 'feature_importance_rank{feature="e",model="m1"} 7.0' in text
    # g falls to last place: its PSI series stays, only its rank changes
    later = [[T0 + timedelta(seconds=5), "m1", f, "permutation", v] for f, v in zip("abcdefg", range(7, 0, -1), strict=True)]
    seed(store, "INSERT INTO feature_importance (ts, model, feature, method, importance) VALUES (?, ?, ?, ?, ?)", later)
    text = _metrics(c, telemetry, 10)
    assert 'drift_psi_max{feature="g",model="m1"} 0.8' in text
    assert 'feature_importance_rank{feature="g",model="m1"} 7.0' in text
    assert 'feature_importance_rank{feature="a",model="m1"} 1.0' in text
