"""A real Prometheus (scrape_interval 1s) scraping two live Predwatch instances with the built-in
workload: the fleet view's request rates and latency quantiles for both instances agree with each
instance's own /api/performance_metrics, and every metric the Grafana dashboard reads is on /metrics.

Tolerances, and why:
- request rate: both sides count the same requests over the same 60 s window (the fleet's rate
  window at the default 15 s scrape interval; the API's `window=1m`). They differ by what lies in
  one window edge: the newest scrape is up to ~1 s old (2 s on a loaded machine) and Prometheus
  extrapolates past it by half an interval, while the API sees rows ~0.2 s after the writer flush.
  We wait for >= 20 s of traffic, so ~2 s of edge is <= 10 %; we allow 20 % (+ 0.05 req/s).
- latency quantiles: histogram_quantile interpolates inside a bucket of LATENCY_BUCKETS, so it is
  exact only to the bucket. Per instance it mixes both models and includes failed requests (~2 %,
  validation errors, answered fast), while the API gives each model's quantile over successes; a
  mixture's quantile lies between its parts' quantiles. So the Prometheus estimate must fall within
  one bucket either side of [min, max] of the models' API quantiles.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
import requests

from data.clock import utcnow
from external import promql
from external.fleet import Fleet, FleetView
from external.prometheus import PrometheusSource
from state.status import StatusBoard
from telemetry.metrics import LATENCY_BUCKETS
from tests.conftest import LiveServer
from tests.fleet import grafana
from tests.fleet.dash_calls import call_panel, trace_names
from tests.fleet.prometheus_run import PROMETHEUS, running, scrape_config
from tests.waiting import eventually

pytestmark = pytest.mark.skipif(not PROMETHEUS.exists(), reason=f"needs {PROMETHEUS} (Debian package prometheus)")
INSTANCE_ARGS = (
    "--demo",
    "--demo-rate",
    "40",
    "--predict-timeout",
    "30",
    "--metrics-cache-seconds",
    "0",
    "--sample-interval",
    "0.5",
    "--alert-interval",
    "0.5",
    "--writer-flush-interval",
    "0.2",
)
MIN_TRAFFIC_SECONDS = 20


@dataclass
class FleetSetup:
    servers: list[LiveServer]
    prometheus_url: str
    started: float


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FleetSetup]:
    work = tmp_path_factory.mktemp("fleet")
    # Own models folders, so the two instances can train at the same time without sharing files.
    servers = [LiveServer(work / f"instance{n}.duckdb", "--models-dir", str(work / f"models{n}"), *INSTANCE_ARGS) for n in (1, 2)]
    with running(work, scrape_config(servers), servers) as url:
        yield FleetSetup(servers, url, time.monotonic())


def _last(view: FleetView, metric: str, instance: str) -> float | None:
    rows = view.frame[(view.frame["metric"] == metric) & (view.frame["instance"] == instance)]
    return float(rows.sort_values("ts")["value"].iloc[-1]) if not rows.empty else None


# A model's p95 over 60 s is its ~17th slowest of ~350 requests: a burst of slow ones (an evaluation pass, a
# loaded host) inside the 1-2 s by which the two windows' edges differ moved it by two buckets once on a
# clean clone (API 0.060 s, Prometheus 0.024 s), so the tail gets two buckets either side, the median one.
TAIL_SPREAD = {"p50": 1, "p95": 2}


def _api(server: LiveServer) -> dict:
    return requests.get(server.url + "/api/performance_metrics", params={"window": "1m"}, timeout=10).json()


def _ready(fleet: FleetSetup, reader: Fleet) -> FleetView:
    """Wait (bounded) until both instances have >= MIN_TRAFFIC_SECONDS of scraped traffic in the fleet view."""
    names, seen = [f"127.0.0.1:{s.port}" for s in fleet.servers], []

    def ready() -> FleetView | None:
        now = utcnow()
        seen.append(view := reader.panel("predictions", now - timedelta(minutes=2), now))
        enough = time.monotonic() - fleet.started >= MIN_TRAFFIC_SECONDS
        return view if enough and view.error is None and all(_last(view, "latency_p50_seconds", n) for n in names) else None

    return eventually(
        ready,
        timeout=60,
        interval=0.5,
        message=lambda: f"both instances in the fleet view: {seen[-1].error} {seen[-1].instances}",
    )


def _bucket_bounds(value: float, spread: int = 1) -> tuple[float, float]:
    """`spread` buckets either side of the bucket holding `value` (bounds of LATENCY_BUCKETS, 0 below)."""
    edges = [0.0, *LATENCY_BUCKETS]
    i = bisect.bisect_left(edges, value)  # value lies in (edges[i-1], edges[i]]
    return edges[max(0, i - 1 - spread)], edges[min(len(edges) - 1, i + spread)]


def test_fleet_rates_and_latency_quantiles_agree_with_each_instance_api(fleet: FleetSetup) -> None:
    reader = Fleet(PrometheusSource(fleet.prometheus_url, 5.0), StatusBoard())
    _ready(fleet, reader)
    for server in fleet.servers:
        instance = f"127.0.0.1:{server.port}"
        api = _api(server)
        now = utcnow()
        view = reader.panel("predictions", now - timedelta(minutes=2), now, instance)
        assert view.error is None
        assert set(view.frame["instance"]) == {instance}
        api_rate = sum(m["request_rate"] for m in api["models"].values())
        prom_rate = _last(view, "request_rate_per_second", instance)
        print(f"{instance}: fleet {prom_rate:.3f} req/s, API {api_rate:.3f} req/s")
        assert sum(m["requests"] for m in api["models"].values()) >= 10, api  # some traffic to compare
        assert prom_rate == pytest.approx(api_rate, rel=0.2, abs=0.05), (instance, api)
        for quantile, key in (("latency_p50_seconds", "p50"), ("latency_p95_seconds", "p95")):
            estimate = _last(view, quantile, instance)
            per_model = _per_model_quantiles(reader.source, instance, float(key[1:]) / 100)
            print(
                f"{instance} {key}: fleet {estimate:.4f} s; by model, Prometheus {per_model}, API "
                f"{ {m: v['latency_seconds'][key] for m, v in api['models'].items()} }"
            )
            for model, value in per_model.items():  # each model's histogram agrees with its stored rows
                low, high = _bucket_bounds(value, TAIL_SPREAD[key])
                assert low <= api["models"][model]["latency_seconds"][key] <= high, (instance, model, key, api)
            low, high = _bucket_bounds(estimate)  # the instance's mixture lies between its models
            assert low <= max(per_model.values()), (instance, key, estimate)
            assert min(per_model.values()) <= high, (instance, key, estimate)


def _per_model_quantiles(source: PrometheusSource, instance: str, q: float) -> dict[str, float]:
    """The same histogram_quantile split by model, to compare with the API's per-model quantiles."""
    expr = (
        f"histogram_quantile({q}, sum by (model, le) (rate(prediction_duration_seconds_bucket{promql.selector(instance)}[60s])))"
    )
    return {labels["model"]: points[0][1] for labels, points in promql.parse_result(source.query(expr)) if points}


def test_fleet_view_in_the_dashboard_lists_both_instances(fleet: FleetSetup, make_app) -> None:
    app = make_app(prometheus_url=fleet.prometheus_url)
    _ready(fleet, Fleet(PrometheusSource(fleet.prometheus_url, 5.0), StatusBoard()))
    names = {f"127.0.0.1:{s.port}" for s in fleet.servers}
    for panel_id, part in (("fleet-predictions", "rate"), ("fleet-system", "rss")):
        status, response = call_panel(app, panel_id)
        assert status == 200
        assert response[f"{panel_id}-error"]["children"] is None
        options = {o["value"] for o in response[f"{panel_id}-instance"]["options"]}
        assert names <= options
        assert names <= trace_names(response[f"{panel_id}-{part}-figure"]["data"])
    one = sorted(names)[0]
    _, response = call_panel(app, "fleet-predictions", instance=one)
    assert trace_names(response["fleet-predictions-rate-figure"]["data"]) == {one}


def test_every_metric_the_grafana_dashboard_reads_is_on_live_metrics(fleet: FleetSetup) -> None:
    needed = set().union(*map(grafana.metric_names, grafana.expressions(grafana.load()))) - grafana.recorded_names()

    def missing() -> set[str]:
        return needed - grafana.exposed_names(requests.get(fleet.servers[0].url + "/metrics", timeout=10).text)

    # cpu_percent appears after the first alert evaluation, model_auc after the first evaluation
    eventually(
        lambda: not missing(),
        timeout=30,
        interval=0.5,
        message=lambda: f"every metric the dashboard reads on /metrics (missing {sorted(missing())})",
    )
