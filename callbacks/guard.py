"""One guard in front of Dash's dispatch: a POST to /_dash-update-component that the app's callback map does not
describe answers 4xx with a JSON reason before Dash reads it.

Dash trusts the body it is sent: a missing `inputs`, an output it has no server callback for, an extra input or
an input without an id raised KeyError, TypeError or IndexError inside Dash, and a select's value sent as `true`
or `1e30` reached DuckDB as a model name (a 500 each). Here the body is checked against what the browser sends for
that output: the envelope's keys and types; each output, input and state by id and property, in order;
changedPropIds among the inputs; each value by what its component can hold (callbacks/guard_values.py). Size and
nesting depth are checked on the raw bytes first, because the JSON parser recurses: a list nested 100,000 deep
would stop it with a RecursionError. Nothing here recurses either. Callbacks keep reading plain values.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from dash import Dash
from flask import Response, jsonify, request

from callbacks.guard_values import MAX_ITEMS, MAX_TEXT, Refused, check_value

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # the largest real body (a select's options with every feature) is a few kilobytes
MAX_DEPTH = 16  # a real body nests at most 7 deep: envelope, inputs, entry, options, option, pattern id
ENVELOPE = frozenset({"output", "outputs", "inputs", "state", "changedPropIds", "parsedChangedPropsIds"})
ENTRY_KEYS, OUTPUT_KEYS = frozenset({"id", "property", "value"}), frozenset({"id", "property"})
WILDCARDS = (["MATCH"], ["ALL"], ["ALLSMALLER"])
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)  # possessive: no backtracking on a long string
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_OPEN = frozenset(b"[{")


def too_deep(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON text nests arrays and objects deeper than `limit`, counted on the bytes (strings left out),
    so the parser never meets a nesting deep enough to exhaust its recursion."""
    level = 0
    for byte in _STRING.sub(b"", raw).translate(None, _NOT_BRACKET):
        level += 1 if byte in _OPEN else -1
        if level > limit:
            return True
    return False


def stringify_id(component_id: Any) -> str:
    """A component id as Dash writes it in a prop id (a pattern-matching id: its keys sorted, as JSON)."""
    if isinstance(component_id, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{json.dumps(component_id[k])}" for k in sorted(component_id)) + "}"
    return str(component_id)


def output_specs(output: str) -> list[dict[str, str]]:
    """The outputs an output key names ("a.b" or "..a.b...c.d.."), each {"id", "property"}."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True)) for part in parts]


def _same_id(sent: Any, spec_id: str) -> bool:
    """`sent` is the spec's id, or a concrete id matching its pattern (wildcards: any scalar)."""
    if not spec_id.startswith("{"):
        return isinstance(sent, str) and sent == spec_id
    pattern = json.loads(spec_id)
    if not isinstance(sent, dict) or set(sent) != set(pattern):
        return False
    for key, wanted in pattern.items():
        value = sent[key]
        if not isinstance(value, str | int | float) or isinstance(value, str) and len(value) > MAX_TEXT:
            return False
        if wanted not in WILDCARDS and value != wanted:
            return False
    return True


def _entries(sent: Any, spec: dict[str, str], keys: frozenset[str], where: str) -> list[dict[str, Any]]:
    """The entries sent for one spec: a dict, or for a pattern-matching id (ALL, ALLSMALLER) a list of them."""
    many = spec["id"].startswith("{") and isinstance(sent, list)
    if many and len(sent) > MAX_ITEMS:
        raise Refused(f"{where}: more than {MAX_ITEMS} entries")
    found = sent if many else [sent]
    for entry in found:
        if not isinstance(entry, dict) or not OUTPUT_KEYS <= set(entry) <= keys:
            raise Refused(f"{where} must be an object with {', '.join(sorted(keys))}")
        prop = entry["property"]
        if not _same_id(entry["id"], spec["id"]) or prop not in (spec["property"], spec["property"].split("@")[0]):
            raise Refused(f"{where} must be {spec['id']}.{spec['property']}")
    return found


def _check_list(sent: Any, specs: list[dict[str, str]], name: str) -> list[str]:
    """Inputs or state as the callback lists them; values checked and coerced in place; their prop ids."""
    if not isinstance(sent, list) or len(sent) != len(specs):
        raise Refused(f"{name} must be a list of {len(specs)} entries")
    prop_ids = []
    for k, (item, spec) in enumerate(zip(sent, specs, strict=True)):
        for entry in _entries(item, spec, ENTRY_KEYS, f"{name}[{k}]"):
            if "value" in entry:
                entry["value"] = check_value(spec["id"], entry["property"], entry["value"])
            prop_ids.append(f"{stringify_id(entry['id'])}.{entry['property']}")
    return prop_ids


def _check_outputs(sent: Any, output: str, no_output: bool) -> None:
    specs = [] if no_output else output_specs(output)
    if output.startswith("..") or no_output:
        if not isinstance(sent, list) or len(sent) != len(specs):
            raise Refused(f"outputs must be a list of {len(specs)} entries")
        for k, (item, spec) in enumerate(zip(sent, specs, strict=True)):
            _entries(item, spec, OUTPUT_KEYS, f"outputs[{k}]")
    else:
        _entries(sent, specs[0], OUTPUT_KEYS, "outputs")


def _check_changed(body: dict[str, Any], prop_ids: list[str]) -> None:
    changed = body.get("changedPropIds")
    if not isinstance(changed, list) or not all(isinstance(c, str) and c in prop_ids for c in changed):
        raise Refused("changedPropIds must be a list of the callback's input prop ids")
    parsed = body.get("parsedChangedPropsIds", [])
    if (
        not isinstance(parsed, list)
        or len(parsed) > len(changed)
        or not all(isinstance(p, str) and len(p) <= MAX_TEXT for p in parsed)
    ):
        raise Refused("parsedChangedPropsIds must be a list of prop ids")


def check_body(body: Any, callback_map: dict[str, Any]) -> None:
    """Refuse (Refused) a callback request `callback_map` does not describe; coerce its values in place."""
    if not isinstance(body, dict):
        raise Refused("the body must be a JSON object")
    unknown = sorted(set(body) - ENVELOPE)
    if unknown:
        raise Refused(f"unknown keys: {', '.join(unknown)[:200]}")
    output = body.get("output")
    if not isinstance(output, str):
        raise Refused("output must be text")
    callback = callback_map.get(output)
    if not isinstance(callback, dict) or "callback" not in callback:
        raise Refused("output names no server callback")
    _check_outputs(body.get("outputs"), output, bool(callback.get("no_output")))
    prop_ids = _check_list(body.get("inputs"), callback["inputs"], "inputs")
    state = body.get("state", [] if not callback["state"] else None)
    _check_list(state, callback["state"], "state")
    _check_changed(body, prop_ids)


def refusal(status: int, code: str, message: str) -> Response:
    """The API's error shape ({"error": {"code", "message", "details"}}); callbacks/ cannot import api/."""
    response = jsonify({"error": {"code": code, "message": message, "details": []}})
    response.status_code = status
    return response


def guard_request(callback_map: dict[str, Any]) -> Response | None:
    """None when the current request is a callback request the map describes (values coerced), else the 4xx."""
    if not request.is_json:
        return refusal(415, "unsupported_media_type", "a callback request is JSON (Content-Type: application/json)")
    if (request.content_length or 0) > MAX_BODY or len(request.get_data(cache=True)) > MAX_BODY:
        return refusal(413, "payload_too_large", f"a callback request is at most {MAX_BODY} bytes")
    if too_deep(request.get_data(cache=True)):
        return refusal(400, "bad_callback_request", f"the body nests more than {MAX_DEPTH} levels deep")
    try:
        check_body(request.get_json(silent=True), callback_map)  # Flask keeps the parsed body: Dash reads this one
    except Refused as exc:
        log.debug("refused a callback request: %s", exc)
        return refusal(400, "bad_callback_request", str(exc))
    return None


def register(app: Dash) -> None:
    """Check every callback request before Dash dispatches it, against the callback map as it is then."""
    route = app.config.routes_pathname_prefix + "_dash-update-component"

    @app.server.before_request
    def _guard_callback_request() -> Response | None:
        if request.path == route and request.method == "POST":
            return guard_request(app.callback_map)
        return None
