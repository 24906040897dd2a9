"""Auth edges: the public routes are exempt from the dashboard login exactly (not every path that
starts with /metrics), and a forged Dash callback cannot flip the demo switches around the API token."""

from __future__ import annotations

import base64

from dashboard import ids
from tests.reliability.helpers import TOKEN


def _switch_post(client, selected: list[str], headers: dict[str, str] | None = None):
    """The POST the browser sends when a demo switch is clicked, built from /_dash-dependencies."""
    deps = client.get("/_dash-dependencies", headers=headers).get_json()
    callback = next(c for c in deps if any(i["id"] == ids.DEMO_SWITCHES for i in c["inputs"]))
    values = {ids.DEMO_SWITCHES: selected, ids.TICK: 1}
    body = {
        "output": callback["output"],
        "outputs": {"id": ids.DEMO_SWITCHES, "property": "value"},
        "inputs": [{**i, "value": values.get(i["id"])} for i in callback["inputs"]],
        "changedPropIds": [f"{ids.DEMO_SWITCHES}.value"],
        "state": [],
    }
    return client.post("/_dash-update-component", json=body, headers=headers)


def test_only_the_public_routes_skip_the_dashboard_login(make_app) -> None:
    client = make_app(host="0.0.0.0").server.test_client()  # remote bind, no credentials: everyone refused
    for path in ("/metricsx", "/metrics-anything", "/metrics.html", "/metrics/", "/metrics/x", "/apix", "/api"):
        assert client.get(path).status_code == 401, path
    assert client.get("/metrics").status_code == 200
    assert client.get("/api/ping").status_code == 200


def test_a_forged_demo_switch_callback_without_the_token_changes_nothing(make_app) -> None:
    app = make_app(api_token=TOKEN, demo=True)  # loopback: the dashboard itself has no login
    client = app.server.test_client()
    assert client.post("/api/demo", json={"error_burst": True}).status_code == 401
    assert client.get("/api/demo").get_json()["error_burst"] is False
    forged = _switch_post(client, ["error_burst"])
    assert forged.status_code in (200, 204), forged.get_data(as_text=True)
    assert client.get("/api/demo").get_json()["error_burst"] is False
    for headers in ({"Authorization": "Bearer wrong"}, {"Authorization": "Basic " + base64.b64encode(b"x:wrong").decode()}):
        _switch_post(client, ["error_burst"], headers)
        assert client.get("/api/demo").get_json()["error_burst"] is False


def test_the_demo_switches_work_with_the_token_or_without_one_set(make_app) -> None:
    guarded = make_app(api_token=TOKEN, demo=True).server.test_client()
    _switch_post(guarded, ["error_burst"], {"Authorization": f"Bearer {TOKEN}"})
    assert guarded.get("/api/demo").get_json()["error_burst"] is True
    basic = {"Authorization": "Basic " + base64.b64encode(f"any:{TOKEN}".encode()).decode()}
    _switch_post(guarded, [], basic)  # the token as the basic-auth password: what a browser can send
    assert guarded.get("/api/demo").get_json()["error_burst"] is False


def test_the_demo_switches_work_when_no_token_is_set(make_app) -> None:
    client = make_app(demo=True).server.test_client()
    _switch_post(client, ["load_spike"])
    assert client.get("/api/demo").get_json()["load_spike"] is True
