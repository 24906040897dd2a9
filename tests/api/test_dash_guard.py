"""The guard in front of Dash's dispatch (callbacks/guard.py), against the live callback map: for every server
callback listed at /_dash-dependencies, forged envelopes, nesting and values of the wrong type answer 4xx with a
JSON reason and never 5xx, while the request the browser sends still answers 200."""

from __future__ import annotations

import json
from typing import Any

import pytest

from callbacks import guard
from callbacks.guard_values import Refused, declared

ROUTE = "/_dash-update-component"
# Values a real page holds, by (id, property); anything else starts as null (a first render).
REAL = {("time-range", "value"): "1h", ("refresh-tick", "data"): 3, ("live-toggle", "value"): True}
# Raw JSON: 1e309, NaN and deep nests cannot come out of json.dumps, but a forger can send them.
WRONG_TYPES = ["true", "-1", "1e30", "1e308", "1e309", "NaN", "-Infinity", '{"a": 1}', "[1, 2]", '"' + "9" * 5000 + '"']
WRONG_TYPES += ['"\\ud800"']  # a lone surrogate: JSON can escape one, UTF-8 (and DuckDB) cannot hold it
DEEP = ["[" * n + "]" * n for n in (17, 5_000, 100_000)]
QUERIED_SELECTS = ("model-select", "drift-model", "drift-feature", "predictions-model", "predictions-status")


def _outputs(output: str) -> Any:
    specs = guard.output_specs(output)
    return specs if output.startswith("..") else specs[0]


def _entries(specs: list[dict]) -> list[dict]:
    return [{"id": s["id"], "property": s["property"], "value": REAL.get((s["id"], s["property"]))} for s in specs]


def valid_body(dep: dict) -> dict[str, Any]:
    """What the browser sends for `dep`'s callback, its first input changed."""
    body = {
        "output": dep["output"],
        "outputs": _outputs(dep["output"]),
        "inputs": _entries(dep["inputs"]),
        "changedPropIds": [f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"],
    }
    if dep["state"]:
        body["state"] = _entries(dep["state"])
    return body


def _raw(body: Any, raw: dict[str, str]) -> str:
    """`body` as JSON with each placeholder string replaced by its raw JSON text."""
    text = json.dumps(body)
    for mark, value in raw.items():
        text = text.replace(json.dumps(mark), value)
    return text


def _envelope_forgeries(dep: dict) -> list[str]:
    good = valid_body(dep)
    forged: list[Any] = []
    for key in ("output", "outputs", "inputs", "state", "changedPropIds"):
        forged += [{k: v for k, v in good.items() if k != key}] if key in good or dep["state"] else []
        allowed_empty = key == "changedPropIds" or key == "state" and not dep["state"]  # a first render; no states
        forged += [{**good, key: bad} for bad in ([], None, {}, 5, "x", [None], [5]) if bad != [] or not allowed_empty]
    forged += [{**good, "output": good["output"] + "x"}, {**good, "extra": 1}]
    forged += [{**good, "inputs": good["inputs"] + good["inputs"][:1]}, {**good, "inputs": good["inputs"][:-1]}]
    forged += [
        {**good, "inputs": [{k: v for k, v in e.items() if k != drop} for e in good["inputs"]]} for drop in ("id", "property")
    ]
    forged += [{**good, "inputs": [{**e, "id": e["id"] + "x"} for e in good["inputs"]]}]
    forged += [{**good, "inputs": [{**e, "id": {"type": e["id"]}} for e in good["inputs"]]}]
    forged += [{**good, "state": [*good.get("state", []), {"id": "x", "property": "value", "value": 1}]}]
    outputs = good["outputs"] if isinstance(good["outputs"], list) else [good["outputs"]]
    forged += [{**good, "outputs": [*outputs, {"id": "nope", "property": "children"}]}]
    forged += [{**good, "outputs": {"id": "nope", "property": "children"}}, {**good, "changedPropIds": ["nope.value"]}]
    return [json.dumps(f) for f in forged]


def _holds(check: Any, raw: str) -> bool:
    """Whether a component could hold this value (a zoom store holds any small object): not a forgery."""
    try:
        check(json.loads(raw))
    except Refused:
        return False
    return True


def _value_forgeries(dep: dict) -> list[tuple[str, str, str]]:
    """(prop id, forged raw value, body) for each input and state set to each wrong type or a deep nest."""
    found = []
    for part in ("inputs", "state"):
        for k, spec in enumerate(dep[part]):
            check = declared(spec["id"], spec["property"])
            for value in [v for v in WRONG_TYPES if not _holds(check, v)] + DEEP:
                body = valid_body(dep)
                body[part][k]["value"] = "@forged@"
                found.append((f"{spec['id']}.{spec['property']}", value, _raw(body, {"@forged@": value})))
    return found


def _server_callbacks(client) -> list[dict]:
    return [d for d in client.get("/_dash-dependencies").get_json() if not d.get("clientside_function")]


@pytest.fixture
def client(make_app):
    return make_app(demo=True).server.test_client()


def _post(client, raw: str, content_type: str = "application/json"):
    return client.post(ROUTE, data=raw, content_type=content_type)


def test_every_server_callback_input_has_a_declared_type(client) -> None:
    missing = [
        f"{s['id']}.{s['property']}"
        for d in _server_callbacks(client)
        for s in d["inputs"] + d["state"]
        if not declared(s["id"], s["property"])
    ]
    assert not missing


def test_the_request_the_browser_sends_answers_200(client) -> None:
    for dep in _server_callbacks(client):
        response = client.post(ROUTE, json=valid_body(dep))
        assert response.status_code in (200, 204), (dep["output"][:60], response.get_data(as_text=True)[:300])


def test_forged_envelopes_depths_and_types_never_answer_5xx(client) -> None:
    callbacks = _server_callbacks(client)
    assert len(callbacks) >= 20
    sent: list[tuple[str, str]] = [("whole body", b) for b in ["[]", "null", "{}", "1", '"x"', "true", "{", *DEEP]]
    clientside = [d for d in client.get("/_dash-dependencies").get_json() if d.get("clientside_function")]
    sent += [("clientside", json.dumps(valid_body(d))) for d in clientside]
    for dep in callbacks:
        sent += [(dep["output"][:50], raw) for raw in _envelope_forgeries(dep)]
        sent += [(prop, raw) for prop, _, raw in _value_forgeries(dep)]
    statuses = [(where, _post(client, raw)) for where, raw in sent]
    server_errors = [(where, r.status_code) for where, r in statuses if r.status_code >= 500]
    refused = [r for _, r in statuses if 400 <= r.status_code < 500]
    print(f"\n{len(sent)} forged callback requests to {len(callbacks)} callbacks: {len(refused)} 4xx, {len(server_errors)} 5xx")
    assert not server_errors, server_errors[:20]
    assert all(r.is_json and r.get_json()["error"]["message"] for r in refused)
    assert len(refused) == len(sent)  # none of these is a request a page sends


def test_a_select_that_reaches_a_query_refuses_anything_but_text(client) -> None:
    checked = 0
    for dep in _server_callbacks(client):
        for prop, value, raw in _value_forgeries(dep):
            if prop.split(".")[0] in QUERIED_SELECTS and prop.endswith(".value") and value in ("true", "-1", "1e30", "1e308"):
                response = _post(client, raw)
                assert response.status_code == 400, (prop, value)
                assert prop in response.get_json()["error"]["message"]
                checked += 1
    assert checked >= 4 * len(QUERIED_SELECTS)


def test_size_and_media_type_are_refused_before_parsing(client) -> None:
    dep = _server_callbacks(client)[0]
    huge = json.dumps({**valid_body(dep), "pad": "x" * (guard.MAX_BODY + 1)})
    assert _post(client, huge).status_code == 413
    assert _post(client, json.dumps(valid_body(dep)), "text/plain").status_code == 415


@pytest.mark.parametrize(
    ("raw", "deep"),
    [
        ("[]", False),
        ("[" * 16 + "]" * 16, False),
        ("[" * 17 + "]" * 17, True),
        ('["' + "[" * 100 + '"]', False),  # brackets inside a string do not nest
        ('["\\"' + "[" * 100 + '"]', False),  # nor after an escaped quote
        ("{" * 100_000, True),
    ],
)
def test_nesting_is_counted_on_the_bytes(raw: str, deep: bool) -> None:
    assert guard.too_deep(raw.encode()) is deep


def test_values_are_coerced_within_their_type_or_refused() -> None:
    from callbacks import guard_values as gv

    assert gv.range_key("zzz") == gv.DEFAULT_RANGE
    assert gv.range_key("1h") == "1h"
    assert gv.path("nope") == "/"
    assert gv.path("/" + "x" * 5000) == "/"  # a pasted URL: the page still renders
    assert gv.typed("9" * 5000) is None  # typed into a box: nothing usable, not a forgery
    assert gv.text("credit-gbm") == "credit-gbm"
    for check, bad in [(gv.text, True), (gv.text, 1e30), (gv.range_key, -1), (gv.count, -1), (gv.flag, "yes"), (gv.number, True)]:
        with pytest.raises(Refused):
            check(bad)
