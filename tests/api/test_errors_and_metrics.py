"""JSON errors, /metrics exposition, and the dashboard's own routes."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


def test_unknown_api_route_is_a_json_404(client) -> None:
    response = client.get("/api/no_such_thing")
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"] == "not_found"
    assert error["message"]
    assert error["details"] == []


def test_wrong_method_is_a_json_405(client) -> None:
    response = client.post("/api/system_health", json={})
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_unexpected_error_is_json_500_without_traceback(app) -> None:
    @app.server.get("/api/boom")
    def boom():
        raise ValueError("secret internals")

    response = app.server.test_client().get("/api/boom")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "internal_error"
    assert "secret internals" not in text
    assert "Traceback" not in text


def test_metrics_exposition(app, client) -> None:
    service = app.predwatch
    service.runner.run_once(next(c for c in service.runner.collectors if c.name == "system"))
    client.get("/api/system_health")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=")
    families = {f.name: f for f in text_string_to_metric_families(response.get_data(as_text=True))}
    assert families["scrape_duration_seconds"].type == "histogram"
    buckets = [s for s in families["scrape_duration_seconds"].samples if s.name.endswith("_count")]
    assert buckets[0].labels == {"collector": "system"}
    assert buckets[0].value == 1
    assert families["queue_length"].samples[0].value == service.runtime.writer.queue_length > 0
    assert families["active_connections"].type == "gauge"
    assert "process_resident_memory_bytes" in families
    assert "python_info" in families
    requests = [
        s
        for s in families["http_requests"].samples
        if s.name == "http_requests_total" and s.labels["route"] == "/api/system_health"
    ]
    assert requests
    assert requests[0].labels == {"route": "/api/system_health", "method": "GET", "status": "200"}
    assert families["writer_rows_written"].type == "counter"


def test_dashboard_pages_and_vendored_bootstrap_are_served(client) -> None:
    for path in ("/", "/system"):
        page = client.get(path)
        assert page.status_code == 200
        assert b"<title>Predwatch</title>" in page.data
        assert b"00-bootstrap.min.css" in page.data
        assert b"cdn." not in page.data
        assert b"unpkg" not in page.data
    css = client.get("/assets/00-bootstrap.min.css")
    assert css.status_code == 200
    assert b".navbar" in css.data


def test_dashboard_error_pages_stay_html(client) -> None:
    response = client.get("/assets/no-such-file.css")
    assert response.status_code == 404
    assert not response.is_json
