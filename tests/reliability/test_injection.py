"""Hostile strings in every query parameter of every GET route (from the OpenAPI document and the
url_map) and in every string field of every POST body: no 500, no data change, nothing read from disk;
and the serving connection can no longer read files or change its configuration."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import duckdb
import pytest

from api.openapi import document
from tests.api.helpers import log
from tests.reliability.helpers import HOSTILE, PASSWD_MARK, TOKEN, get_operations, set_path, string_fields, table_counts

AUTH = {"Authorization": f"Bearer {TOKEN}"}
VALID_BODIES = {
    "/api/predictions": {"predictions": [log("inj-1")]},
    "/api/outcomes": {"outcomes": [{"id": "inj-1", "label": 1, "timestamp": "2026-11-27T12:00:00Z"}]},
    "/api/predict": {"model": "champion", "features": {"x": 1.0}},
    "/api/demo": {"load_spike": False},
    "/api/tolerance": {"model": "inj-amount", "relative": 0.1},
}
LEAKS = [Path("/tmp/predwatch-leak.csv"), Path("/tmp/predwatch-evil.duckdb")]
# Tables the request itself may legitimately add rows to (an id that looks like SQL is still just an id):
# the ingest routes' tables, with model_tasks (a model's task, recorded with its first predictions) and the
# class and value tables (a string label is a class's name, a number a regression outcome).
INGEST_TABLES = {"predictions", "prediction_features", "prediction_categories", "prediction_classes"}
INGEST_TABLES |= {"prediction_probabilities", "model_tasks", "model_classes", "outcomes", "outcome_classes", "outcome_values"}


@pytest.fixture
def target(make_app):
    for leak in LEAKS:
        leak.unlink(missing_ok=True)
    return make_app(api_token=TOKEN, demo=True)


def _check(response, what) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code < 500, (what, response.status_code, body[:300])
    assert PASSWD_MARK not in body, what
    assert "<script>alert(1)</script>" not in body or response.mimetype == "application/json", what


def _get_routes(app) -> list[tuple[str, list[str]]]:
    """The documented GET operations, plus any GET route under /api the document forgot."""
    ops = dict(get_operations(document()))
    for rule in app.server.url_map.iter_rules():
        if rule.rule.startswith("/api/") and "GET" in rule.methods and "<" not in rule.rule:
            ops.setdefault(rule.rule, [])
    return sorted(ops.items())


def test_hostile_query_parameters_on_every_get_route(target) -> None:
    client, store = target.server.test_client(), target.predwatch.runtime.store
    before = table_counts(store)
    routes = _get_routes(target)
    assert len(routes) >= 10
    for path, params in routes:
        for name in [*params, "id", "q"]:  # undocumented names too: they must be ignored safely
            for value in HOSTILE:
                _check(client.get(path, query_string={name: value}), (path, name, value))
        _check(client.get(path + "/../../etc/passwd"), path)
    assert table_counts(store) == before
    assert not any(leak.exists() for leak in LEAKS)


def _post_cases() -> list[tuple[str, tuple]]:
    components = document()["components"]["schemas"]
    cases = []
    for path, ops in document()["paths"].items():
        if "post" in ops:
            schema = ops["post"]["requestBody"]["content"]["application/json"]["schema"]
            cases.extend((path, field) for field in string_fields(schema, components))
    return cases


def test_hostile_strings_in_every_string_field_of_every_body(target) -> None:
    client, store = target.server.test_client(), target.predwatch.runtime.store
    cases = _post_cases()
    assert {p for p, _ in cases} >= {"/api/predictions", "/api/outcomes"}
    assert len(cases) >= 5
    for path, field in cases:
        for value in HOSTILE:
            body = copy.deepcopy(VALID_BODIES.get(path, {}))
            set_path(body, field, value)
            before = table_counts(store)
            response = client.post(path, json=body, headers=AUTH)
            _check(response, (path, field, value))
            after = table_counts(store)
            assert {t: n for t, n in after.items() if t not in INGEST_TABLES} == {
                t: n for t, n in before.items() if t not in INGEST_TABLES
            }, (path, field, value)
            assert all(after[t] >= before[t] for t in INGEST_TABLES & after.keys())
    # What was stored is the literal string: it reached SQL as a bound value.
    stored = {r[0] for r in store.fetch_all("test.ids", "SELECT id FROM predictions")}
    assert "' OR '1'='1" in stored
    assert "1; DROP TABLE predictions; --" in stored
    assert not any(leak.exists() for leak in LEAKS)


def test_serving_connection_reads_no_files_and_is_locked(app) -> None:
    store = app.predwatch.runtime.store
    assert store.configuration_locked()
    for sql in [
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM read_csv('/etc/passwd')",
        "COPY (SELECT 1) TO '/tmp/predwatch-leak.csv'",
        "ATTACH '/tmp/predwatch-evil.duckdb' AS evil",
        "SET enable_external_access = true",
        "SET lock_configuration = false",
        "INSTALL httpfs",
    ]:
        # DuckDB's own lock-down, below the store's read-only guard (which refuses COPY before DuckDB sees it)
        with pytest.raises(duckdb.Error) as raised, store.cursor() as cur:
            cur.execute(sql)
        assert re.search(r"disabled|locked|Permission|configuration", str(raised.value)), (sql, raised.value)
    with pytest.raises(ValueError, match="only reads"):
        store.fetch_all("test.hostile", "COPY (SELECT 1) TO '/tmp/predwatch-leak.csv'")
    assert not any(leak.exists() for leak in LEAKS)
    # Arrow scans still work after the lock: the ingest path depends on them.
    client = app.server.test_client()
    assert client.post("/api/predictions", json={"predictions": [log("after-lock")]}).status_code == 200
    rows, profile = store.profile("test.profile", "SELECT count(*) FROM predictions")
    assert rows == 1
    assert profile
