"""A small client for Prometheus' HTTP API (`/api/v1/query`, `/api/v1/query_range`), standard library
only, every request with a timeout. Errors of any kind (refused, timeout, bad answer) become
PrometheusError so callers report one component error instead of breaking a page."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from typing import Any


class PrometheusError(RuntimeError):
    """Prometheus could not be asked, or answered with an error."""


def _unix(ts: datetime) -> float:
    """Naive timestamps are UTC (data/clock.py)."""
    return (ts if ts.tzinfo else ts.replace(tzinfo=UTC)).timestamp()


class PrometheusSource:
    def __init__(self, base_url: str, timeout_seconds: float = 3.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_seconds = timeout_seconds

    def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.base_url}{path}?{urllib.parse.urlencode(params)}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout_seconds) as response:  # noqa: S310 (configured URL)
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:  # 400/422/503 carry a JSON error body worth showing
            try:
                body = json.loads(exc.read())
                detail = f"{body.get('errorType', 'error')}: {body.get('error', '')}"
            except (ValueError, OSError):
                detail = str(exc)
            raise PrometheusError(f"Prometheus at {self.base_url} answered HTTP {exc.code}: {detail}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PrometheusError(f"Prometheus at {self.base_url} unreachable: {reason}") from exc

    def query_range(self, promql: str, start: datetime, end: datetime, step_seconds: float) -> dict[str, Any]:
        """The raw JSON answer of one range query (parse with analytics.promql.parse_result)."""
        return self._get(
            "/api/v1/query_range",
            {
                "query": promql,
                "start": f"{_unix(start):.3f}",
                "end": f"{_unix(end):.3f}",
                "step": f"{step_seconds:g}",
                "timeout": f"{self.timeout_seconds:g}s",
            },
        )

    def query(self, promql: str, at: datetime | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"query": promql, "timeout": f"{self.timeout_seconds:g}s"}
        if at is not None:
            params["time"] = f"{_unix(at):.3f}"
        return self._get("/api/v1/query", params)
