"""Forged dashboard inputs: every server callback listed at /_dash-dependencies gets forged
values for each of its inputs and states in turn, and never answers 5xx (callbacks/guard.py refuses it with a
4xx or gives the default view). Callbacks with pattern-matching ids are left out (their ids are not concrete)."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from callbacks import guard_values
from dashboard.theme import DEFAULT_RANGE
from tests.reliability.helpers import LONG

# Raw JSON: 1e309, NaN and Infinity cannot be written by json.dumps but Python's parser (Flask's) reads them.
FORGED = [
    '{"a": 1}',
    "[1, 2, 3]",
    "true",
    "-1",
    "1e309",
    "NaN",
    "Infinity",
    "-Infinity",
    '"x"',
    '""',
    "null",
    '"abs:0001-01-01T00:00:00/9999-12-31T23:59:59"',
    '"abs:2026-01-02T00:00:00/2026-01-01T00:00:00"',
    '[{"a": 1}]',
    '["/", "5m"]',
    '{"xaxis.range[0]": 5, "xaxis.range[1]": "x"}',
    '"' + "9" * 5000 + '"',
]


def _random_json(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(7 if depth < 2 else 4)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.choice([0, -1, 2**63, rng.uniform(-1e300, 1e300)])
    if kind == 2:
        return "".join(rng.choice("abs:/-T0123456789.Z{}[]\"'") for _ in range(rng.randrange(30)))
    if kind == 3:
        return rng.choice(["5m", "1h", "abs:", "/", "?range=", "credit-gbm"])
    if kind in (4, 5):
        return [_random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {str(_random_json(rng, depth + 1))[:8]: _random_json(rng, depth + 1) for _ in range(rng.randrange(3))}


def _outputs(spec: str) -> Any:
    parts = spec.strip(".").split("...") if spec.startswith("..") else [spec]
    found = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1].split("@")[0]} for p in parts]
    return found if spec.startswith("..") else found[0]


def _body(callback: dict, values: list[str], changed: dict) -> str:
    def entries(items: list[dict], raw: list[str]) -> str:
        return ", ".join(
            f'{{"id": {json.dumps(i["id"])}, "property": {json.dumps(i["property"])}, "value": {v}}}'
            for i, v in zip(items, raw, strict=True)
        )

    n = len(callback["inputs"])
    return (
        f'{{"output": {json.dumps(callback["output"])}, "outputs": {json.dumps(_outputs(callback["output"]))}, '
        f'"inputs": [{entries(callback["inputs"], values[:n])}], '
        f'"state": [{entries(callback["state"], values[n:])}], '
        f'"changedPropIds": [{json.dumps(changed["id"] + "." + changed["property"])}]}}'
    )


def _server_callbacks(client) -> list[dict]:
    return [
        c for c in client.get("/_dash-dependencies").get_json() if not c.get("clientside_function") and "{" not in c["output"]
    ]


def test_every_callback_answers_forged_inputs_without_a_server_error(make_app) -> None:
    client = make_app(demo=True).server.test_client()
    callbacks = _server_callbacks(client)
    assert len(callbacks) >= 15
    rng = random.Random(15)
    extra = [json.dumps(_random_json(rng)) for _ in range(40)] if LONG else []
    failures, posts = [], 0
    for callback in callbacks:
        items = callback["inputs"] + callback["state"]
        for k, target in enumerate(items):
            for forged in FORGED + extra:
                values = ["null"] * len(items)
                values[k] = forged
                response = client.post(
                    "/_dash-update-component", data=_body(callback, values, target), content_type="application/json"
                )
                posts += 1
                if response.status_code >= 500:
                    failures.append((callback["output"][:60], f"{target['id']}.{target['property']}", forged[:40]))
    print(f"\n{posts} forged callback POSTs to {len(callbacks)} callbacks, {len(failures)} server errors")
    assert not failures, failures[:20]


@pytest.mark.parametrize("value", [{"a": 1}, [1, 2, 3], True, -1, float("inf"), float("nan"), "x" * 5000])
def test_a_range_of_another_type_is_refused(value) -> None:
    with pytest.raises(guard_values.Refused):
        guard_values.range_key(value)


@pytest.mark.parametrize("value", ["x", None, "abs:0001-01-01T00:00:00/9999-12-31T23:59:59", "abs:2026-01-02/2026-01-01"])
def test_text_no_page_offers_is_the_default_range(value) -> None:
    assert guard_values.range_key(value) == DEFAULT_RANGE


def test_real_values_pass_the_guard_unchanged() -> None:
    assert guard_values.range_key("1h") == "1h"
    assert guard_values.range_key("abs:2026-03-01T00:00:00/2026-03-02T00:00:00") == "abs:2026-03-01T00:00:00/2026-03-02T00:00:00"
    assert guard_values.text("credit-gbm") == "credit-gbm"
    assert guard_values.strings(["a", "b"]) == ["a", "b"]
    assert guard_values.number(0.5) == 0.5
    assert guard_values.count(3) == 3
    for check, value in [(guard_values.text, ["a"]), (guard_values.number, True)]:
        with pytest.raises(guard_values.Refused):
            check(value)
