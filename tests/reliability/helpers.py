"""Shared by the reliability tests: which routes exist (read from the app itself, so routes added
later are covered without editing these tests), hostile strings, and row counts."""

from __future__ import annotations

import os
from typing import Any

from werkzeug.routing import Map

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# The long versions (20 kills, >= 100 fuzz examples per operation, 10-minute soak) run under `make reliability`.
LONG = os.environ.get("PREDWATCH_RELIABILITY_LONG") == "1"
TOKEN = "reliability-token"

HOSTILE = [
    "' OR '1'='1",
    "1; DROP TABLE predictions; --",
    "x') UNION SELECT * FROM read_text('/etc/passwd') --",
    "read_text('/etc/passwd')",
    "(SELECT content FROM read_text('/etc/passwd'))",
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; COPY predictions TO '/tmp/predwatch-leak.csv'; --",
    "'; ATTACH '/tmp/predwatch-evil.duckdb' AS e; --",
    "\x00",
    "%00",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "9" * 400,
]
# What /etc/passwd starts with on every Linux: it must never come back in a response.
PASSWD_MARK = "root:x:0:0"


def write_rules(url_map: Map) -> list[tuple[str, str]]:
    """(method, rule) of every write route under /api: what needs a token."""
    found = []
    for rule in url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            found.extend((m, rule.rule) for m in sorted((rule.methods or set()) & WRITE_METHODS))
    return found


def post_rules(url_map: Map) -> list[str]:
    """Every POST route, Dash's own included."""
    return sorted({r.rule for r in url_map.iter_rules() if "POST" in (r.methods or set()) and "<" not in r.rule})


def get_operations(document: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(path, query parameter names) of every GET operation in the OpenAPI document."""
    return [
        (path, [p["name"] for p in ops["get"].get("parameters", []) if p.get("in") == "query"])
        for path, ops in document["paths"].items()
        if "get" in ops and "{" not in path
    ]


def string_fields(schema: dict[str, Any], components: dict[str, Any], prefix: tuple = ()) -> list[tuple]:
    """Paths (keys and list index 0) to every string-typed property of a request-body schema."""
    if "$ref" in schema:
        return string_fields(components[schema["$ref"].rsplit("/", 1)[1]], components, prefix)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return [p for sub in schema[key] for p in string_fields(sub, components, prefix)]
    kind = schema.get("type")
    if kind == "string":
        return [prefix]
    if kind == "array" and "items" in schema:
        return string_fields(schema["items"], components, (*prefix, 0))
    found = []
    for name, sub in schema.get("properties", {}).items():
        found.extend(string_fields(sub, components, (*prefix, name)))
    return found


def set_path(body: Any, path: tuple, value: Any) -> bool:
    """Put `value` at `path` inside `body` when the path exists there; say whether it did."""
    target = body
    for step in path[:-1]:
        try:
            target = target[step]
        except (KeyError, IndexError, TypeError):
            return False
    if isinstance(target, dict) or (isinstance(target, list) and len(target) > path[-1]):
        target[path[-1]] = value
        return True
    return False


def table_counts(store: Any) -> dict[str, int]:
    tables = [
        r[0]
        for r in store.fetch_all(
            "test.tables",
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'",
        )
    ]
    return {t: store.fetch_one("test.count", f'SELECT count(*) FROM "{t}"')[0] for t in sorted(tables)}
