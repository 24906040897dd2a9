"""GET /api/system_health with the Flask test client on a real temporary DuckDB."""

from __future__ import annotations

import json

import psutil
from plotly.utils import PlotlyJSONEncoder

from dashboard import ids
from dashboard.tables import component_table
from dashboard.theme import DEFAULT_RANGE
from data.clock import utcnow
from data.queries import alerts as alert_queries
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


def call_overview(app) -> dict:
    """POST the Overview's refresh as the browser does; returns {component id: {prop: value}}."""
    key = next(k for k in app.callback_map if k.startswith(f"..{ids.OVERALL_STATUS}.children..."))
    body = {
        "output": key,
        "outputs": [{"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]} for part in key.strip(".").split("...")],
        "inputs": [
            {"id": ids.TICK, "property": "data", "value": 1},
            {"id": ids.RANGE, "property": "value", "value": DEFAULT_RANGE},
        ],
        "changedPropIds": [f"{ids.TICK}.data"],
    }
    response = app.server.test_client().post("/_dash-update-component", json=body)
    assert response.status_code == 200
    return response.get_json()["response"]


def texts(node) -> list[str]:
    """Every text of a serialized Dash component tree, in order."""
    if isinstance(node, dict):
        return texts(node.get("props", {}).get("children"))
    if isinstance(node, list):
        return [text for child in node for text in texts(child)]
    return [] if node is None else [str(node)]


def table_rows(node) -> list[tuple[str, ...]]:
    """The texts of each row of the tables in a serialized Dash component tree."""
    if isinstance(node, list):
        return [row for child in node for row in table_rows(child)]
    if not isinstance(node, dict):
        return []
    if node.get("type") == "Tr":
        return [tuple(texts(node))]
    return table_rows(node.get("props", {}).get("children"))


def firing(store, severity: str) -> None:
    now = utcnow()
    alert_queries.save(
        store,
        [
            {
                "id": f"cpu_high:{severity}@{now.isoformat()}",
                "rule": f"cpu_high:{severity}",
                "name": "cpu_high",
                "severity": severity,
                "metric": "cpu_percent",
                "state": "firing",
                "value": 97.0,
                "threshold": 90.0,
                "subject": None,
                "started_at": now,
                "fired_at": now,
                "last_true_at": now,
                "last_eval_at": now,
                "description": "CPU above 90 %",
            }
        ],
        [],
    )


def test_the_overview_and_the_api_give_one_answer_with_alerts_and_watched_postgres(make_app) -> None:
    app = make_app(health_cache_seconds=0)  # each computes its own report: equal because the inputs are
    runtime = app.predwatch.runtime
    firing(runtime.store, "critical")
    runtime.databases.set_postgres("orders", {"up": False, "error": "connection refused"})
    page = call_overview(app)
    body = app.server.test_client().get("/api/system_health").get_json()
    assert body["status"] == "critical"
    assert body["alerts"]["count"] == 1
    assert body["components"]["postgres"]["status"] == "warning"
    assert texts(page[ids.OVERALL_STATUS]["children"]) == [body["status"].upper()]
    # the component table the page shows is the one the API's components draw, postgres row included
    shown = table_rows(page[ids.COMPONENTS]["children"])
    drawn = json.loads(json.dumps(component_table(body["components"]), cls=PlotlyJSONEncoder))
    assert sorted(shown) == sorted(table_rows(drawn))  # the API's JSON sorts its keys: the same rows
    assert ("postgres", "WARNING", "0 of 1 watched servers up", "orders: connection refused") in shown


def test_within_the_cache_the_overview_and_the_api_share_one_computed_report(make_app) -> None:
    app = make_app(health_cache_seconds=60)
    client = app.server.test_client()
    first = client.get("/api/system_health").get_json()
    call_overview(app)
    second = client.get("/api/system_health").get_json()
    stats = app.predwatch.runtime.store.timings.histograms()["system.latest"]
    assert stats.count == 1
    assert second["computed_at"] == first["computed_at"]
