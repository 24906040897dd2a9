"""Nobody writes who should not: every write route (found in the url_map) refuses a missing, wrong or
URL-borne token and changes no row; the dashboard can be locked with basic auth or the API token."""

from __future__ import annotations

import base64
import logging

import pytest

from tests.reliability.helpers import TOKEN, table_counts, write_rules

BODIES = {
    "/api/predictions": {"predictions": [{"id": "a-1", "model": "m", "score": 0.5}]},
    "/api/outcomes": {"outcomes": [{"id": "a-1", "label": 1}]},
    "/api/predict": {"features": {"x": 1.0}},
    "/api/demo": {"load_spike": True},
}


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture
def guarded(make_app):
    return make_app(api_token=TOKEN, demo=True)


def test_every_write_route_refuses_bad_tokens_and_changes_nothing(guarded) -> None:
    client, store = guarded.server.test_client(), guarded.predwatch.runtime.store
    rules = write_rules(guarded.server.url_map)
    assert ("POST", "/api/predictions") in rules
    assert len(rules) >= 4
    before = table_counts(store)
    attempts = [
        {},
        {"headers": {"Authorization": "Bearer wrong"}},
        {"headers": {"Authorization": f"Bearer {TOKEN}x"}},
        {"headers": {"Authorization": TOKEN}},
        {"headers": _basic("u", TOKEN)},
        {"query_string": {"token": TOKEN}},
        {"query_string": {"access_token": TOKEN}, "headers": {"Authorization": f"Bearer {TOKEN}"}},
    ]
    for method, rule in rules:
        for extra in attempts:
            response = client.open(rule, method=method, json=BODIES.get(rule, {}), **extra)
            assert response.status_code == 401, (method, rule, extra, response.get_data(as_text=True))
            assert response.get_json()["error"]["code"] == "unauthorized"
    guarded.predwatch.runtime.writer.flush()
    assert table_counts(store) == before
    # The right token passes the gate (the body may still be refused, but not with 401).
    assert (
        client.post("/api/predictions", json=BODIES["/api/predictions"], headers={"Authorization": f"Bearer {TOKEN}"}).status_code
        == 200
    )


def test_token_check_is_constant_time() -> None:
    import inspect

    from api import auth, security

    assert "hmac.compare_digest" in inspect.getsource(auth)
    assert "hmac.compare_digest" in inspect.getsource(security)


DASH_ROUTES = ["/", "/system", "/_dash-layout", "/_dash-dependencies", "/assets/predwatch.css"]


def test_dashboard_is_open_on_loopback_by_default(client) -> None:
    assert client.get("/").status_code == 200
    assert client.get("/_dash-layout").status_code == 200


def test_basic_auth_guards_pages_and_dash_routes_but_not_the_api(make_app) -> None:
    client = make_app(host="0.0.0.0", dashboard_user="ann", dashboard_password="pw").server.test_client()
    for path in DASH_ROUTES:
        refused = client.get(path)
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"].startswith("Basic")
        assert client.get(path, headers=_basic("ann", "bad")).status_code == 401
        assert client.get(path, headers=_basic("bob", "pw")).status_code == 401
    assert client.post("/_dash-update-component", json={}).status_code == 401
    assert client.get("/", headers=_basic("ann", "pw")).status_code == 200
    assert client.get("/_dash-layout", headers=_basic("ann", "pw")).status_code == 200
    assert client.get("/api/system_health").status_code == 200  # machine clients: the API has its own token


def test_token_mode_accepts_the_api_token_as_bearer_or_password(make_app) -> None:
    client = make_app(dashboard_auth="token", api_token=TOKEN).server.test_client()
    assert client.get("/").status_code == 401
    assert client.get("/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert client.get("/_dash-layout", headers=_basic("any", TOKEN)).status_code == 200
    assert client.get("/", headers=_basic("any", "nope")).status_code == 401


def test_remote_bind_without_credentials_refuses_everyone_and_warns(make_app, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="api.security"):
        client = make_app(host="0.0.0.0").server.test_client()
    assert "no credentials are configured" in caplog.text
    assert client.get("/").status_code == 401
    assert client.get("/", headers=_basic("", "")).status_code == 401


def test_dashboard_auth_setting_is_validated() -> None:
    from settings import SettingsError, load_settings

    assert load_settings(["--dashboard-auth", "basic"], environ={}).dashboard_auth_mode == "basic"
    assert load_settings([], environ={}).dashboard_auth_mode == "off"
    assert load_settings(["--host", "10.0.0.1", "--api-token", "t"], environ={}).dashboard_auth_mode == "token"
    with pytest.raises(SettingsError):
        load_settings(["--dashboard-auth", "maybe"], environ={})
