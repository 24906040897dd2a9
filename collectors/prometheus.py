"""Whether the Prometheus of `--prometheus-url` answers: the `prometheus` component of the status board.

The fleet panels read through that Prometheus only while a page shows them, so a component they kept
would go stale (an hours-old "ok") whenever no panel is open. This collector asks Prometheus one tiny
query on its own interval instead; the runner reports each pass on the board (an error names what
failed). The component is optional: the fleet view is extra, Predwatch works without it, so a failing
Prometheus is a warning, never critical (state/status.py)."""

from __future__ import annotations

from datetime import datetime

from external import promql
from external.fleet import COMPONENT
from external.prometheus import PrometheusSource
from state.status import StatusBoard

PROBE_INTERVAL = 15.0  # seconds: Prometheus' default scrape interval
PROBE_QUERY = "vector(1)"  # answered by any Prometheus from nothing stored: reachability, not data


class PrometheusProbe:
    name = COMPONENT

    def __init__(self, source: PrometheusSource, interval: float = PROBE_INTERVAL) -> None:
        self.source = source
        self.interval = interval

    def collect(self, now: datetime) -> dict[str, list[tuple]]:
        """Nothing to store; raises PrometheusError or PromResponseError when Prometheus does not answer."""
        promql.parse_result(self.source.query(PROBE_QUERY))
        return {}


def prometheus_probe(
    url: str | None, timeout_seconds: float, board: StatusBoard, interval: float = PROBE_INTERVAL
) -> PrometheusProbe | None:
    """The probe of a configured Prometheus (its component registered optional on `board`), or None
    without a --prometheus-url."""
    if not url:
        return None
    board.register(COMPONENT, optional=True)  # before the runner registers it: the first registration holds
    return PrometheusProbe(PrometheusSource(url, timeout_seconds), interval)
