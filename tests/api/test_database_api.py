"""GET /api/database_health and GET /api/data_quality on a real temporary store, their errors,
the OpenAPI entries, and the database gauges on /metrics (checked by promtool)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.unit.collectors.quality_data import clean_frames, load

DEAD = "dead=host=127.0.0.1 port=1 user=postgres dbname=x"


def _run(app, *names: str) -> None:
    """One pass of the named collectors, then flush what they queued."""
    runner = app.predwatch.runner
    for collector in runner.collectors:
        if collector.name in names:
            assert runner.run_once(collector), app.predwatch.runtime.board.snapshot()[collector.name].error
    app.predwatch.runtime.writer.flush()


def test_database_health_reports_the_store(client, app):
    store = app.predwatch.runtime.store
    for _ in range(4):
        store.fetch_all("test.api_named", "SELECT 1")
    _run(app, "database")
    body = client.get("/api/database_health").get_json()
    s = body["store"]
    assert s["db_file_bytes"] > 0
    assert s["connections"]["cursor_pool_size"] >= 1
    assert {q["query"]: q["calls"] for q in s["queries"]}["test.api_named"] == 4
    assert any(q["query"] == "test.api_named" and q["rows_returned"] == 1 for q in s["slowest_queries"])
    tables = {t["table_name"]: t for t in s["tables"]}
    assert {"predictions", "quality_checks", "db_samples"} <= set(tables)
    assert {i["table_name"] for i in s["indexes"]} >= {"predictions", "outcomes"}
    assert len(s["scan_efficiency"]) == 5
    assert all("scan_ratio" in x for x in s["scan_efficiency"])
    assert s["latest_sample"]["cursor_pool_size"] >= 1
    assert s["latest_sample"]["ts"].endswith("Z")
    assert body["postgres"] == []


def test_an_unreachable_postgres_target_is_pending_then_down(make_app):
    app = make_app(watch_postgres=(DEAD,))
    client = app.server.test_client()
    target = client.get("/api/database_health").get_json()["postgres"][0]
    assert (target["target"], target["status"]) == ("dead", "pending")
    _run(app, "postgres:dead")
    target = client.get("/api/database_health").get_json()["postgres"][0]
    assert target["status"] == "down"
    assert "refused" in target["sample"]["error"].lower()
    assert "password" not in target["dsn"]
    metrics = client.get("/metrics").text
    assert 'postgres_up{target="dead"} 0.0' in metrics


def test_data_quality_latest_and_history(client, app):
    load(app.predwatch.runtime.store, clean_frames())
    _run(app, "data_quality")
    _run(app, "data_quality")
    body = client.get("/api/data_quality").get_json()
    assert len(body["checks"]) == 11
    assert "history" not in body
    assert {c["check_name"] for c in body["checks"]} >= {"volume_drop", "orphan_outcomes"}
    assert all(set(c) >= {"check_name", "table_name", "passed", "offending", "example_id", "detail"} for c in body["checks"])
    history = client.get("/api/data_quality?history=true&check=score_range").get_json()
    assert [c["check_name"] for c in history["checks"]] == ["score_range"]
    assert len(history["history"]) == 2
    assert len(client.get("/api/data_quality?history=true&limit=3").get_json()["history"]) == 3


@pytest.mark.parametrize("query", ["history=yes", "check=nope", "limit=0", "window=2d"])
def test_data_quality_bad_parameters_are_400(client, query):
    response = client.get(f"/api/data_quality?{query}&history=true")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_parameter"


def test_database_health_bad_window_is_400(client):
    assert client.get("/api/database_health?window=3y").status_code == 400


def test_openapi_documents_both_routes(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert "get" in paths["/api/database_health"]
    assert "get" in paths["/api/data_quality"]


def test_metrics_expose_query_timing_and_quality(client, app, tmp_path):
    load(app.predwatch.runtime.store, clean_frames())
    _run(app, "database", "data_quality")
    text = client.get("/metrics").text
    assert 'db_query_duration_seconds_bucket{le="+Inf",query="quality.volume"} 1.0' in text
    assert 'data_quality_check_passed{check="volume_drop",table="predictions"} 1.0' in text
    assert "db_cursor_waits_total" in text
    assert 'db_table_rows{table="predictions"} 240.0' in text
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool (Debian package prometheus) is not installed")
    path = tmp_path / "metrics.txt"
    path.write_text(text)
    result = subprocess.run([promtool, "check", "metrics"], stdin=path.open(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
