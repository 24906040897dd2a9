"""GET /api/system_health with the Flask test client on a real temporary DuckDB."""
from __future__ import annotations

import psutil

from tests.waiting import eventually


def system_collector(app):
    return next(c for c in app.predwatch.runner.collectors if c.name == "system")


def collect_once(app) -> None:
    """One pass of the system collector (the others, e.g. model evaluation, are not under test here)."""
    assert app.predwatch.runner.run_once(system_collector(app))
    app.predwatch.runtime.writer.flush()


def test_before_any_sample_the_resources_are_unknown(client) -> None:
    body = client.get("/api/system_health").get_json()
    assert body["status"] == "ok"
    assert {k: v["status"] for k, v in body["resources"].items()} == {"cpu": "unknown", "memory": "unknown", "disk": "unknown"}
    assert body["sample_timestamp"] is None


def test_reports_the_stored_sample_and_every_component(app, client) -> None:
    collect_once(app)
    response = client.get("/api/system_health")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    stored = app.predwatch.runtime.store.fetch_one("s", "SELECT cpu_percent, memory_percent FROM system_samples")
    assert body["resources"]["cpu"]["percent"] == stored[0]
    assert body["resources"]["memory"]["percent"] == stored[1]
    assert abs(body["resources"]["memory"]["percent"] - psutil.virtual_memory().percent) < 10
    assert body["resources"]["memory"]["status"] in {"ok", "warning", "critical"}
    assert body["status"] in {"ok", "warning", "critical"}
    components = body["components"]
    assert components["collector"]["status"] == "ok"
    assert components["collector"]["last_success"].endswith("Z")
    assert components["collector"]["error"] is None
    assert components["store"]["status"] == "ok"
    assert components["store"]["size_bytes"] > 0
    assert components["writer"]["queue_length"] == 0
    assert components["writer"]["rows_written"] >= 3
    own = [p for p in components["processes"] if p["name"] == "predwatch"]
    assert own
    assert own[0]["up"] is True
    assert own[0]["rss_bytes"] > 0


def test_failing_collector_shows_in_health(app, client, monkeypatch) -> None:
    collector = system_collector(app)
    monkeypatch.setattr(collector, "collect", lambda now: (_ for _ in ()).throw(PermissionError("no /proc")))
    for _ in range(3):
        app.predwatch.runner.run_once(collector)
    body = client.get("/api/system_health").get_json()
    assert body["components"]["collector"]["status"] == "critical"
    assert "no /proc" in body["components"]["collector"]["error"]
    assert body["status"] == "critical"


def test_a_closed_store_is_reported_not_raised(app, client) -> None:
    app.predwatch.runtime.store.close()
    response = client.get("/api/system_health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["components"]["store"]["status"] == "critical"
    assert body["status"] == "critical"


def test_live_collection_fills_the_store(app, client) -> None:
    app.predwatch.start()

    def collected() -> dict | None:
        body = client.get("/api/system_health").get_json()
        return body if body["sample_timestamp"] and body["components"]["writer"]["rows_written"] >= 6 else None

    body = eventually(collected, timeout=60, message="a first sample and 6 rows written")
    assert body["resources"]["cpu"]["status"] != "unknown"
