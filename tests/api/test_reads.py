"""GET /api/recent_predictions, /api/performance_metrics and /api/openapi.json."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from data.clock import iso_utc, utcnow
from tests.api.helpers import log


def seed(client, now=None) -> None:
    """Six predictions a second apart: p-0..p-5; outcomes make 0,1 successes, 2 a failure; 3 errored."""
    now = now or utcnow()
    rows = []
    for i in range(6):
        ts = iso_utc(now - timedelta(seconds=10 - i))
        row = log(
            i, timestamp=ts, model="m-a" if i % 2 == 0 else "m-b", score=0.9, predicted_label=1, latency_seconds=0.01 * (i + 1)
        )
        if i == 3:
            row.update(status="error", error_kind="timeout", score=None, predicted_label=None)
        rows.append(row)
    assert client.post("/api/predictions", json={"predictions": rows}).status_code == 200
    outcomes = [{"id": "p-0", "label": 1}, {"id": "p-1", "label": 1}, {"id": "p-2", "label": 0}]
    assert client.post("/api/outcomes", json={"outcomes": outcomes}).status_code == 200


def test_recent_predictions_have_statuses_newest_first(client) -> None:
    seed(client)
    body = client.get("/api/recent_predictions").get_json()
    rows = body["predictions"]
    assert [r["id"] for r in rows] == ["p-5", "p-4", "p-3", "p-2", "p-1", "p-0"]
    status = {r["id"]: r["status"] for r in rows}
    assert status == {"p-0": "success", "p-1": "success", "p-2": "failure", "p-3": "error", "p-4": "pending", "p-5": "pending"}
    assert set(rows[0]) == {
        "id",
        "timestamp",
        "model",
        "model_version",
        "score",
        "predicted_label",
        "label",
        "status",
        "latency_seconds",
        "error_kind",
        "task",  # and what only a regression or multiclass row has: NULL here
        "label_value",
        "predicted_class",
        "true_class",
    }
    assert rows[0]["timestamp"].endswith("Z")
    trend = {t["window"]: t for t in body["trend"]}
    assert trend["5m"]["labelled"] == 3
    assert trend["5m"]["successes"] == 2
    assert trend["5m"]["success_rate"] == pytest.approx(2 / 3)


def test_filters_and_limit(client) -> None:
    seed(client)
    ids = lambda q: [r["id"] for r in client.get("/api/recent_predictions" + q).get_json()["predictions"]]  # noqa: E731
    assert ids("?model=m-a") == ["p-4", "p-2", "p-0"]
    assert ids("?status=success") == ["p-1", "p-0"]
    assert ids("?status=pending&model=m-b") == ["p-5"]
    assert ids("?limit=2") == ["p-5", "p-4"]
    assert client.get("/api/recent_predictions?limit=1000000000").get_json()["limit"] == 1000


@pytest.mark.parametrize("query", ["?limit=0", "?limit=ten", "?status=great", "?model=", "?model=" + "x" * 200])
def test_bad_parameters_are_400(client, query) -> None:
    response = client.get("/api/recent_predictions" + query)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_parameter"


def test_injection_in_parameters_is_only_data(app, client) -> None:
    seed(client)
    for evil in ["' OR 1=1 --", "m-a'; DELETE FROM predictions; --", "read_text('/etc/passwd')"]:
        response = client.get("/api/recent_predictions", query_string={"model": evil})
        assert response.status_code == 200
        assert response.get_json()["predictions"] == []
    assert app.predwatch.runtime.store.fetch_one("t", "SELECT count(*) FROM predictions")[0] == 6


def test_performance_metrics(client) -> None:
    seed(client)
    body = client.get("/api/performance_metrics").get_json()
    assert body["window_seconds"] == 300
    assert body["computed_at"].endswith("Z")
    assert body["cache_age_seconds"] >= 0
    overall = body["overall"]
    assert overall["requests"] == 6
    assert overall["error_rate"] == pytest.approx(1 / 6)
    assert overall["errors_by_kind"] == {"timeout": pytest.approx(1 / 6)}
    assert overall["request_rate"] == pytest.approx(6 / 300)
    assert overall["success_rate"] == pytest.approx(2 / 3)
    assert overall["labelled_share"] == pytest.approx(3 / 5)
    a = body["models"]["m-a"]  # p-0 (10 ms, success), p-2 (30 ms, failure), p-4 (50 ms, pending)
    assert a["requests"] == 3
    assert a["error_rate"] == 0
    assert a["success_rate"] == pytest.approx(0.5)
    assert a["latency_seconds"]["p50"] == pytest.approx(0.03)
    assert a["latency_seconds"]["avg"] == pytest.approx(0.03)
    assert body["models"]["m-b"]["errors_by_kind"] == {"timeout": pytest.approx(1 / 3)}


def test_performance_metrics_are_cached(make_app) -> None:
    app = make_app(metrics_cache_seconds=60)
    client = app.server.test_client()
    first = client.get("/api/performance_metrics").get_json()
    seed(client)
    second = client.get("/api/performance_metrics").get_json()
    assert second["computed_at"] == first["computed_at"]
    assert second["overall"]["requests"] == 0
    assert second["cache_age_seconds"] >= first["cache_age_seconds"]
    assert client.get("/api/performance_metrics?window=1h").get_json()["overall"]["requests"] == 6
    assert client.get("/api/performance_metrics?window=2d").status_code == 400


def test_openapi_document_lists_every_api_route(app, client) -> None:
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    routes = {str(r) for r in app.server.url_map.iter_rules() if str(r).startswith("/api/") and "<" not in str(r)}
    assert routes <= set(doc["paths"])
    body = doc["paths"]["/api/predictions"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    name = body["$ref"].rsplit("/", 1)[1]
    schema = doc["components"]["schemas"][name]
    assert schema["properties"]["predictions"]["maxItems"] == 10_000
    json.dumps(doc)  # serialisable


def test_demo_route_is_404_without_the_demo(client) -> None:
    assert client.get("/api/demo").status_code == 404
    assert client.post("/api/demo", json={"load_spike": True}).status_code == 404


def test_demo_switches(make_app) -> None:
    client = make_app(demo=True).server.test_client()
    assert client.get("/api/demo").get_json() == {
        "input_drift": False,
        "concept_drift": False,
        "load_spike": False,
        "error_burst": False,
    }
    assert client.post("/api/demo", json={"load_spike": True}).get_json()["load_spike"] is True
    assert client.post("/api/demo", json={"warp_drive": True}).status_code == 422
