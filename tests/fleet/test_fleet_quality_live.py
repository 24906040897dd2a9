"""Fleet AUC and accuracy end to end: two live Predwatch instances receive different
predictions of one model, a real Prometheus scrapes their fleet counts and evaluates
deploy/fleet-rules.yml, and the recorded fleet AUC equals the AUC over the union of both instances' rows.

Prometheus' increase() extrapolates a little past the last scrape, by a factor that is the same for
every series of one instance (they share scrape times, and all start at 0: the histograms exist, at
0, from the first prediction, before any outcome). So the test records each instance's factor first
and last in the same rule group, takes an evaluation where both agree (no scrape landed meanwhile), and
checks: the fleet AUC equals NumPy's trapezoid over the two instances' bucket counts weighted by those
factors (1e-9), and lies within the 50-bucket bound (half the share of positive-negative pairs sharing
a bucket), plus the factors' effect, of sklearn's exact AUC over the union.
The Predictions page's fleet panel then shows the fleet AUC beside each instance's.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import numpy as np
import pytest
import requests
from sklearn.metrics import roc_auc_score

from data.clock import utcnow
from tests.conftest import LiveServer
from tests.fleet.dash_calls import call_panel, trace_names
from tests.fleet.prometheus_run import PROMETHEUS, running, scrape_config
from tests.fleet.test_deploy import DEPLOY
from tests.waiting import eventually

pytestmark = pytest.mark.skipif(not PROMETHEUS.exists(), reason=f"needs {PROMETHEUS} (Debian package prometheus)")
ROWS, MODEL, EDGES = 1500, "fleet-model", np.arange(1, 51) / 50
SHAPES = ((5, 2, 2, 5), (3, 2, 2, 3))  # beta parameters of positives and negatives per instance: b is weaker


def _rows(seed: int, shape: tuple[int, int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = (rng.random(ROWS) < 0.4).astype(int)
    scores = np.where(labels == 1, rng.beta(shape[0], shape[1], ROWS), rng.beta(shape[2], shape[3], ROWS))
    return scores, labels


def _post(server: LiveServer, path: str, key: str, rows: list[dict]) -> None:
    for start in range(0, len(rows), 500):
        answer = requests.post(
            server.url + path,
            data=json.dumps({key: rows[start : start + 500]}),
            timeout=30,
            headers={"Content-Type": "application/json"},
        )
        assert answer.status_code == 200, answer.text


def _query(url: str, expr: str, at: float | None = None) -> list[dict]:
    params = {"query": expr, **({"time": f"{at:.3f}"} if at is not None else {})}
    body = requests.get(url + "/api/v1/query", params=params, timeout=10).json()
    assert body["status"] == "success", body
    return body["data"]["result"]


WAIT = 90  # seconds: a deadline, not a speed (each wait ends as soon as its condition holds)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[LiveServer], str]]:
    work = tmp_path_factory.mktemp("fleet_quality")
    servers = [
        LiveServer(
            work / f"q{n}.duckdb",
            "--eval-interval",
            "0.5",
            "--writer-flush-interval",
            "0.2",
            "--models-dir",
            str(work / f"models{n}"),
        )
        for n in (1, 2)
    ]
    # plus each instance's own increase, recorded first and last in the same group (same evaluation time): where
    # both agree, no scrape landed while the group ran, and the fleet rules between them saw the same samples
    own = (
        "      - record: test:score_count:increase1h_AT\n"
        f'        expr: sum by (instance) (increase(model_score_count{{model="{MODEL}"}}[1h]))\n'
    )
    rules = (DEPLOY / "fleet-rules.yml").read_text().replace("    rules:\n", "    rules:\n" + own.replace("AT", "first"), 1)
    rules = rules.replace("  - name: predwatch-fleet-alerts", own.replace("AT", "last") + "\n  - name: predwatch-fleet-alerts")
    (work / "fleet-rules.yml").write_text(rules)
    # scrapes every 3 s, rules every 1 s: most rule evaluations see no scrape land while they run, even under load
    with running(work, scrape_config(servers, "3s", "1s", ["fleet-rules.yml"]), servers) as url:
        yield servers, url


def _feed(servers: list[LiveServer], url: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """Predictions first (their histograms appear at 0 in Prometheus), then every outcome."""
    data = [_rows(seed, shape) for seed, shape in enumerate(SHAPES)]
    stamp = utcnow().isoformat() + "Z"
    for server, (scores, _) in zip(servers, data, strict=True):
        _post(
            server,
            "/api/predictions",
            "predictions",
            [
                {"id": f"r{i}", "model": MODEL, "timestamp": stamp, "score": float(s), "predicted_label": int(s >= 0.5)}
                for i, s in enumerate(scores)
            ],
        )
    zeros = f'count(model_score_count{{model="{MODEL}"}} == 0)'
    eventually(
        lambda: (r := _query(url, zeros)) and float(r[0]["value"][1]) == 4,
        timeout=WAIT,
        interval=0.5,
        message="the zero histograms",
    )
    time.sleep(4)  # more scrapes at 0: the counters' baseline
    for server, (_, labels) in zip(servers, data, strict=True):
        _post(server, "/api/outcomes", "outcomes", [{"id": f"r{i}", "label": int(y)} for i, y in enumerate(labels)])
    total = f'sum(model_score_count{{model="{MODEL}"}})'
    eventually(
        lambda: (r := _query(url, total)) and float(r[0]["value"][1]) == 2 * ROWS,
        timeout=WAIT,
        interval=0.5,
        message="every outcome scraped",
    )
    return data


def _consistent(url: str, after: float) -> tuple[float, float, dict[str, float]] | None:
    """The newest fleet AUC evaluated after `after` whose group saw no new scrape while it ran (the
    instances' increases recorded first and last agree), with those increases; None if not yet."""
    found = _query(url, f'model:score_auc:fleet1h{{model="{MODEL}"}}')
    if not found or float(found[0]["value"][0]) <= after + 1:
        return None
    at = float(found[0]["value"][0])
    first, last = (
        {r["metric"]["instance"]: float(r["value"][1]) for r in _query(url, f"test:score_count:increase1h_{end}", at)}
        for end in ("first", "last")
    )
    return (at, float(found[0]["value"][1]), first) if first and first == last else None


def _buckets(scores: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per score bucket (telemetry/fleet.py's: [k/50, (k+1)/50)) the positives and the negatives."""
    k = np.minimum(np.floor(scores * 50).astype(int), 49)
    return (np.bincount(k[labels == 1], minlength=50).astype(float), np.bincount(k[labels == 0], minlength=50).astype(float))


def _auc(pos: np.ndarray, neg: np.ndarray) -> float:
    return float(np.sum(pos * (np.cumsum(neg) - neg / 2)) / (pos.sum() * neg.sum()))


def test_fleet_auc_and_accuracy_equal_the_union_of_both_instances(fleet, make_app) -> None:
    servers, url = fleet
    data = _feed(servers, url)
    seen = time.time()
    at, fleet_auc, increase = eventually(
        lambda: _consistent(url, seen), timeout=WAIT, interval=0.5, message="a fleet AUC evaluated after every outcome"
    )
    factors = [increase[f"127.0.0.1:{s.port}"] / ROWS for s in servers]
    assert all(1 <= f < 2 for f in factors), factors
    counts = [_buckets(*rows) for rows in data]
    weighted = _auc(*(sum(f * c[i] for f, c in zip(factors, counts, strict=True)) for i in (0, 1)))
    assert abs(fleet_auc - weighted) < 1e-9
    pos, neg = (sum(c[i] for c in counts) for i in (0, 1))
    scores, labels = np.concatenate([d[0] for d in data]), np.concatenate([d[1] for d in data])
    bound = 0.5 * np.sum(pos * neg) / (pos.sum() * neg.sum())
    assert abs(fleet_auc - roc_auc_score(labels, scores)) <= bound + abs(weighted - _auc(pos, neg)) + 1e-12
    accuracy = float(_query(url, f'model:accuracy:fleet1h{{model="{MODEL}"}}', at)[0]["value"][1])
    right = [np.sum((d[0] >= 0.5) == (d[1] == 1)) for d in data]
    assert abs(accuracy - sum(f * r for f, r in zip(factors, right, strict=True)) / sum(f * ROWS for f in factors)) < 1e-9
    # the Predictions page's fleet panel: the fleet AUC beside each instance's own (each instance's gauge
    # appears once its own evaluation pass has run and Prometheus has scraped it: polled, not assumed)
    app, wanted = make_app(prometheus_url=url), {f"fleet {MODEL}", *(f"127.0.0.1:{s.port} {MODEL} 900 s" for s in servers)}

    def panel() -> set[str] | None:
        status, response = call_panel(app, "fleet-predictions")
        assert status == 200
        names = trace_names(response["fleet-predictions-auc-figure"]["data"])
        return names if wanted <= names else None

    eventually(panel, timeout=WAIT, interval=0.5, message=f"the fleet panel's AUC traces {sorted(wanted)}")
