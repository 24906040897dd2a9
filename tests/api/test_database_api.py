"""GET /api/database_health and GET /api/data_quality on a real temporary store, their errors,
the OpenAPI entries, and the database gauges on /metrics (checked by promtool)."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter

import pytest

from telemetry.database import TRAFFIC_TABLES
from telemetry.metrics import DB_QUERY_BUCKETS
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
    # one histogram per query family (the name before its first dot), on the coarse bounds
    quality = sum(h.count for n, h in app.predwatch.runtime.store.timings.histograms().items() if n.startswith("quality."))
    assert quality >= 11  # the data-quality pass's queries
    assert f'db_query_duration_seconds_bucket{{family="quality",le="+Inf"}} {float(quality)}' in text
    bounds = [line.split('le="')[1].split('"')[0] for line in text.splitlines() if 'bucket{family="quality"' in line]
    assert bounds == [*map(str, DB_QUERY_BUCKETS), "+Inf"]
    assert 'query="' not in text
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


def test_series_per_instance_stay_under_the_bound(make_app):
    """The demo's collectors, three passes each, the API's reads and the pages: /metrics stays well under
    1,500 series (the query-duration histogram was 1,957 of ~3,280 before it went per family)."""
    app = make_app(demo=True)
    client = app.server.test_client()
    runner = app.predwatch.runner
    for _ in range(3):
        for collector in runner.collectors:
            runner.run_once(collector)
        app.predwatch.runtime.writer.flush()
    for path in ("/api/system_health", "/api/database_health", "/api/alerts", "/api/drift", "/api/model_performance", "/"):
        client.get(path)
    text = client.get("/metrics").text
    series = [line for line in text.splitlines() if line and not line.startswith("#")]
    timing = [line for line in series if line.startswith("db_query_duration_seconds")]
    families = {line.split('family="')[1].split('"')[0] for line in timing}
    assert len(timing) == len(families) * (len(DB_QUERY_BUCKETS) + 3)  # buckets, +Inf, sum, count
    assert len(families) >= 5, families  # the activity really ran queries of several kinds
    by_name = Counter(line.split("{")[0].split(" ")[0] for line in series)
    assert not [name for name in by_name if name.endswith("_created")], "no creation-time series (telemetry/metrics.py)"
    tables = {line.split('table="')[1].split('"')[0] for line in series if line.startswith("db_table_rows{")}
    assert "other" in tables, "the tables that do not grow with traffic are summed"
    assert tables <= TRAFFIC_TABLES | {"other"}
    assert len(series) < 1500, (len(series), by_name.most_common(12))
