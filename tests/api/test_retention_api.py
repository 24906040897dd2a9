"""The retention collector runs with the app, and the Database page's retention lag comes from it."""

from __future__ import annotations

from datetime import timedelta

from data.clock import utcnow


def _retention(app):
    return next(c for c in app.predwatch.runner.collectors if c.name == "retention")


def test_retention_lag_is_reported_after_the_first_pass(app, client) -> None:
    assert client.get("/api/database_health").get_json()["store"]["retention_lag_seconds"] is None
    collector = _retention(app)
    assert collector.interval == app.predwatch.runtime.settings.retention_interval
    assert app.predwatch.runner.run_once(collector)
    lag = client.get("/api/database_health").get_json()["store"]["retention_lag_seconds"]
    assert 0 <= lag < 60


def test_a_pass_rolls_up_what_the_app_wrote(app, client) -> None:
    now = utcnow()
    logs = [
        {
            "id": f"p{i}",
            "model": "m",
            "score": 0.5,
            "latency_seconds": 0.01,
            "timestamp": (now - timedelta(minutes=i % 30)).isoformat(),
        }
        for i in range(300)
    ]
    assert client.post("/api/predictions", json={"predictions": logs}).status_code == 200
    assert app.predwatch.runner.run_once(_retention(app))
    store = app.predwatch.runtime.store
    assert store.fetch_one("t", "SELECT sum(requests) FROM prediction_rollup WHERE resolution_seconds = 60")[0] == 300
    assert store.fetch_one("t", "SELECT sum(requests) FROM prediction_rollup WHERE resolution_seconds = 3600")[0] == 300
