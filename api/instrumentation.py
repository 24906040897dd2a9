"""HTTP request metrics for every route the server has (API, /metrics and Dash's own)."""

from __future__ import annotations

import time

from flask import Flask, Response, g, request

from telemetry.metrics import Telemetry


def register(server: Flask, telemetry: Telemetry) -> None:
    @server.before_request
    def _start() -> None:
        g.predwatch_started = time.perf_counter()

    @server.after_request
    def _record(response: Response) -> Response:
        started = g.pop("predwatch_started", None)
        # The rule, not the path: unmatched paths would create a series each.
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        telemetry.http_requests.labels(route, request.method, str(response.status_code)).inc()
        if started is not None:
            telemetry.http_duration.labels(route).observe(time.perf_counter() - started)
        return response
