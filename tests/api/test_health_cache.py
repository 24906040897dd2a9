"""/api/system_health under load: the report is computed at most once per --health-cache-seconds and shared,
with its age; at 0 every request computes it afresh. Flask test client on a real temporary DuckDB."""

from __future__ import annotations


def latest_sample_queries(app) -> int:
    """How many times the store has run the health report's newest-sample query."""
    stats = app.predwatch.runtime.store.timings.histograms().get("system.latest")
    return stats.count if stats else 0


def test_requests_within_the_ttl_share_one_computed_report(make_app) -> None:
    app = make_app(health_cache_seconds=60)
    client = app.server.test_client()
    bodies = [client.get("/api/system_health").get_json() for _ in range(20)]
    assert latest_sample_queries(app) == 1
    assert {b["computed_at"] for b in bodies} == {bodies[0]["timestamp"]}
    assert bodies[0]["cache_age_seconds"] < 1
    assert bodies[-1]["cache_age_seconds"] >= bodies[1]["cache_age_seconds"] > 0


def test_a_cached_report_is_recomputed_once_the_ttl_has_passed(make_app) -> None:
    app = make_app(health_cache_seconds=0)
    client = app.server.test_client()
    first = client.get("/api/system_health").get_json()
    app.predwatch.runtime.writer.stats.rejected += 1  # a change the next report must show
    second = client.get("/api/system_health").get_json()
    assert latest_sample_queries(app) == 2
    assert first["components"]["writer"]["rejected"] == 0
    assert second["components"]["writer"]["rejected"] == 1
    assert second["cache_age_seconds"] < 1
