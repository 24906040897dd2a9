"""Every query parameter of every GET route in the OpenAPI document, fed control characters, whitespace, other
scripts' digits, a trailing newline, invalid UTF-8 and very long text, around a valid value and alone: never 5xx.
A deterministic sweep of each parameter, then Hypothesis drawing any text (300 examples; `make reliability`: 2,000).
Against a real app on a real DuckDB with evaluated models, so the values reach the queries."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app
from predictor.models import CHAMPION
from settings import Settings
from tests.model_feed import evaluate, feed
from tests.reliability.helpers import LONG, get_operations

EXAMPLES = 2000 if LONG else 300
# Valid values the document cannot give as an enum; a parameter with an enum uses its first value.
GOOD = {"model": CHAMPION, "limit": "10", "from": "2026-03-01T00:00:00Z", "to": "2026-03-02T00:00:00Z"}
GOOD |= {"threshold": "0.5", "for": "5m", "episodes": "2026-03-01T00:00:00Z/2026-03-01T01:00:00Z"}
PARTS = [
    *(chr(c) for c in (*range(0x20), 0x7F)),
    *("\r\n", " ", "\u00a0", "\u2028", "\u3000", "\ufeff", "\u200b", "\u0301"),
    *("٣", "１", "۵", "𝟓", "൦", "Ⅻ", "²", "½"),
    *("-", "+", ".", "e", "_", "%", "'", '"', "\\", "NaN", "inf", "-0", "0x10", "1e309", "1_0"),
]
LONG_TEXT = ["9" * 5000, "a" * 100_000, "\n" * 2000, "１" * 3000]
# Percent-escapes that are not UTF-8: Werkzeug replaces them, the route must still answer.
RAW_QUERIES = ["%FF", "%C0%AF", "%ED%A0%80", "90m%0A", "%00", "%0D%0A", "%"]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory, models_dir) -> Any:
    base = Settings(db=tmp_path_factory.mktemp("param-fuzz") / "p.duckdb", demo=False, models_dir=models_dir)
    app = create_app(replace(base, writer_flush_interval=0.05))
    feed(app, 300, seed=5)
    evaluate(app, {"15m": 900, "24h": 86400})
    client = app.server.test_client()
    document = client.get("/api/openapi.json").get_json()
    yield client, document
    app.predwatch.stop()


def _good(document: dict, path: str, name: str) -> str:
    schema = next(p["schema"] for p in document["paths"][path]["get"]["parameters"] if p["name"] == name)
    enum = schema.get("enum") or next((s["enum"] for s in schema.get("anyOf", []) if "enum" in s), None)
    return enum[0] if enum else GOOD.get(name, "x")


def _others(document: dict, path: str, name: str) -> str:
    """The route's other required parameters at valid values (the backtest needs its rule)."""
    required = [p["name"] for p in document["paths"][path]["get"]["parameters"] if p.get("required") and p["name"] != name]
    return "".join(f"{n}={quote(_good(document, path, n))}&" for n in required)


def _parameters(document: dict) -> list[tuple[str, str]]:
    return [(path, name) for path, names in get_operations(document) for name in names]


def _hostile(good: str) -> list[str]:
    return [v for part in PARTS for v in (good + part, part + good, part, good + part * 3)] + LONG_TEXT


def _get(client, path: str, query: str):
    return client.get(f"{path}?{query}")


def test_every_parameter_answers_hostile_text_without_a_server_error(fuzzed) -> None:
    client, document = fuzzed
    parameters = _parameters(document)
    assert len(parameters) >= 20
    failures, sent = [], 0
    for path, name in parameters:
        good, others = _good(document, path, name), _others(document, path, name)
        # the valid value is taken (a model without a drift answer yet is a 404), so the others are right
        assert _get(client, path, f"{others}{name}={quote(good)}").status_code in (200, 404), (path, name, good)
        queries = [f"{others}{name}={quote(v)}" for v in _hostile(good)] + [f"{others}{name}={raw}" for raw in RAW_QUERIES]
        for query in queries:
            response = _get(client, path, query)
            sent += 1
            if response.status_code >= 500:
                failures.append((path, query[:60], response.status_code))
    print(f"\n{sent} malformed parameter values on {len(parameters)} parameters, {len(failures)} server errors")
    assert not failures, failures[:20]


@pytest.mark.parametrize("path", ["/api/model_performance", "/api/drift"])
def test_a_window_with_a_trailing_newline_is_a_400(fuzzed, path: str) -> None:
    client, _ = fuzzed
    for raw in ("90m%0A", "90m%0D%0A", "%D9%A3m", "%EF%BC%91h", "5m%0A"):
        response = _get(client, path, f"window={raw}")
        assert response.status_code == 400, raw
        assert response.get_json()["error"]["details"][0]["field"] == "window"


def test_integers_and_durations_take_ascii_digits_only(fuzzed) -> None:
    client, _ = fuzzed
    assert _get(client, "/api/recent_predictions", "limit=5").status_code == 200
    for raw in ("%D9%A3", "%EF%BC%91", "1_0", "%205", "5%0A", "+5"):
        assert _get(client, "/api/recent_predictions", f"limit={raw}").status_code == 400, raw
    assert _get(client, "/api/alerts/backtest", "rule=cpu:warning&for=5m").status_code == 200
    for raw in ("5m%0A", "%D9%A3m", "9999999999999m"):
        assert _get(client, "/api/alerts/backtest", f"rule=cpu:warning&for={raw}").status_code == 400, raw


@given(data=st.data())
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_in_any_parameter_is_never_a_server_error(fuzzed, data) -> None:
    client, document = fuzzed
    path, name = data.draw(st.sampled_from(_parameters(document)))
    good = _good(document, path, name)
    text = st.text(st.characters(codec="utf-8"), max_size=40)
    value = data.draw(st.one_of(text, st.builds(lambda a, b: a + good + b, text, text), st.sampled_from(PARTS + [good])))
    response = _get(client, path, f"{_others(document, path, name)}{name}={quote(value)}")
    assert response.status_code < 500, (path, name, value)
