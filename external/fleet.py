"""Fleet reads: the PromQL of one fleet panel sent to Prometheus, answers as one long DataFrame.

Prometheus being down or slow is an expected state, not an exception for the page: it is returned as
`FleetView.error` (and recorded on a status board when one is given; an app's `prometheus` component is
kept by collectors/prometheus.py, whether a panel is open or not)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from data.clock import utcnow
from external import promql
from external.prometheus import PrometheusError, PrometheusSource
from state.status import StatusBoard

if TYPE_CHECKING:
    import pandas as pd

COMPONENT = "prometheus"
COLUMNS = ["ts", "instance", "metric", "value"]


@dataclass
class FleetView:
    """One panel's series (columns ts, instance, metric, value), the instances found, and any error."""

    frame: pd.DataFrame
    instances: list[str] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    down: list[str] = field(default_factory=list)  # instances whose `up` is 0: listed, marked down


def _frame(rows: list[tuple[datetime, str, str, float]]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=COLUMNS)


def _to_naive_utc(unix_seconds: float) -> datetime:
    return datetime.fromtimestamp(unix_seconds, UTC).replace(tzinfo=None)


class Fleet:
    """Reads the fleet panels through one Prometheus; reports its health on `board` if given."""

    def __init__(self, source: PrometheusSource, board: StatusBoard | None = None, scrape_interval_seconds: float = 15.0) -> None:
        self.source = source
        self.board = board
        self.scrape_interval_seconds = scrape_interval_seconds
        if board is not None:
            board.register(COMPONENT, optional=True)  # the fleet view is extra: Predwatch works without it

    def instances(self) -> tuple[list[str], list[str]]:
        """Every instance Prometheus knows, and those of them whose last scrape failed (`up` 0)."""
        answer = promql.parse_result(self.source.query(promql.INSTANCES_QUERY))
        up = {labels.get("instance", "?"): bool(points) and points[-1][1] >= 1 for labels, points in answer}
        return sorted(up), sorted(name for name, ok in up.items() if not ok)

    def panel(self, panel: str, since: datetime, until: datetime, instance: str | None = None) -> FleetView:
        """Every series of `panel` ("system" or "predictions") between since and until (naive UTC)."""
        units = {name: unit for name, (_, unit) in promql.PANELS[panel].items()}
        step = promql.step_seconds((until - since).total_seconds())
        window = promql.window_text(step, self.scrape_interval_seconds)
        rows: list[tuple[datetime, str, str, float]] = []
        try:
            found, down = self.instances()
            for name, query in promql.panel_queries(panel, instance, window).items():
                series = promql.parse_result(self.source.query_range(query, since, until, step))
                rows += [(_to_naive_utc(s.ts), s.instance, name, s.value) for s in promql.samples(series)]
        except (PrometheusError, promql.PromResponseError) as exc:
            if self.board is not None:
                self.board.failure(COMPONENT, utcnow(), str(exc))
            return FleetView(_frame([]), units=units, error=str(exc))
        if self.board is not None:
            self.board.success(COMPONENT, utcnow())
        return FleetView(_frame(rows), found, units, down=down)


def open_fleet(url: str | None, timeout_seconds: float, board: StatusBoard | None = None) -> Fleet | None:
    """The fleet reader of a configured Prometheus, or None when no --prometheus-url was given."""
    if not url:
        return None
    return Fleet(PrometheusSource(url, timeout_seconds), board)
