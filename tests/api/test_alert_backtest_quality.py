"""The backtest's alert quality on the Flask test client over a real DuckDB: a seeded drift series, demo
switches recorded as the workload records them, a caller's own episodes, the summary of every rule, and
malformed parameters refused with a 400 naming them."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

import pytest

from analytics.alert_quality import WEEK_SECONDS
from data.queries import demo_episodes
from predictor.demo import DemoControls

START = datetime(2026, 3, 1, 12, 0, 0)
HISTORY = "from=2026-03-01T12:00:00Z&to=2026-03-01T13:00:00Z"


def _at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def _iso(seconds: float) -> str:
    return _at(seconds).isoformat() + "Z"


def _psi(i: int) -> float:
    """A sample every 10 s: a one-sample false alarm at 5 min, drift from 20:30 to 30:00."""
    return 0.4 if i == 30 or 123 <= i < 180 else 0.05


@pytest.fixture
def seeded(app):
    """Drift every 10 s over the hour but none from 35 to 40 min (a gap), and the demo's switches: input
    drift 20-30 min (caught 30 s in), 45-50 min (missed), concept drift 50-55 min (not the drift rule's)."""
    store = app.predwatch.runtime.store
    rows = [[_at(10 * i), "m", 900, "income", _psi(i), 500, "ok"] for i in range(360) if not 210 <= i < 240]
    clock = {"now": _at(0)}
    controls = DemoControls(clock=lambda: clock["now"])  # records every switch off at the start
    for seconds, switches in ((1200, {"input_drift": True}), (1800, {"input_drift": False}), (2700, {"input_drift": True})):
        clock["now"] = _at(seconds)
        controls.set(switches)
    clock["now"] = _at(3000)
    controls.set({"input_drift": False, "concept_drift": True})
    with store.transaction("seed") as cur:
        cur.executemany(
            "INSERT INTO feature_drift (ts, model, window_seconds, feature, psi, current_count, verdict) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    app.predwatch.runtime.writer.enqueue_many(demo_episodes.TABLE, controls.drain_changes())
    app.predwatch.runtime.writer.flush()
    return app


def test_recorded_switches_become_episodes(seeded) -> None:
    found = demo_episodes.episodes(seeded.predwatch.runtime.store, _at(0), _at(3600))
    assert found == [
        ("input_drift", _at(1200), _at(1800)),
        ("input_drift", _at(2700), _at(3000)),
        ("concept_drift", _at(3000), None),
    ]


def test_the_drift_rule_per_week_share_and_detection_on_the_demo_episodes(seeded) -> None:
    client = seeded.server.test_client()
    body = client.get(f"/api/alerts/backtest?rule=drift:warning&{HISTORY}").get_json()
    assert body["fired"] == 2
    covered = 328 * 10.0  # 330 samples, 329 steps, one of them the 5-minute gap
    assert body["covered_seconds"] == covered
    assert body["alerts_per_week"] == pytest.approx(2 / (covered / WEEK_SECONDS))
    assert body["firing_seconds"] == 10 + 570  # the false alarm's one step, the drift's 57
    assert body["firing_share"] == pytest.approx(580 / covered)
    assert body["detection"] == {
        "episodes": 2,
        "detected": 1,
        "missed": 1,
        "unobserved": 0,
        "median_delay_seconds": 30.0,
        "max_delay_seconds": 30.0,
    }
    assert (body["episodes_from"], body["fault_kinds"], body["episodes_known"]) == ("demo_switches", ["input_drift"], 3)
    assert (body["from"], body["to"], body["window_seconds"]) == ("2026-03-01T12:00:00.000Z", "2026-03-01T13:00:00.000Z", 3600)


def test_a_callers_episodes_replace_the_demos_and_apply_to_any_rule(seeded) -> None:
    client = seeded.server.test_client()
    episodes = quote(f"{_iso(250)}/{_iso(400)},{_iso(2110)}/{_iso(2390)},{_iso(2120)}/{_iso(2380)}")
    body = client.get(f"/api/alerts/backtest?rule=drift:warning&{HISTORY}&episodes={episodes}").get_json()
    assert body["episodes_from"] == "caller" and body["fault_kinds"] is None
    # 250-400: the false alarm at 300 -> 50 s; 2110-2390 and 2120-2380: inside the gap -> unobserved
    assert body["detection"] == {
        "episodes": 1,
        "detected": 1,
        "missed": 0,
        "unobserved": 2,
        "median_delay_seconds": 50.0,
        "max_delay_seconds": 50.0,
    }
    cpu = client.get(f"/api/alerts/backtest?rule=cpu:critical&{HISTORY}&episodes={episodes}").get_json()
    assert (cpu["samples"], cpu["covered_seconds"], cpu["alerts_per_week"]) == (0, 0.0, None)
    assert cpu["detection"]["unobserved"] == 3


def test_the_summary_answers_every_rule_as_the_single_route_does(seeded) -> None:
    client = seeded.server.test_client()
    summary = client.get(f"/api/alerts/backtest/summary?{HISTORY}").get_json()
    rules = client.get("/api/alerts/rules").get_json()["rules"]
    assert [r["rule"] for r in summary["rules"]] == [r["id"] for r in rules]
    drift = next(r for r in summary["rules"] if r["rule"] == "drift:warning")
    single = client.get(f"/api/alerts/backtest?rule=drift:warning&{HISTORY}").get_json()
    for key in ("fired", "samples", "alerts_per_week", "covered_seconds", "firing_share", "detection"):
        assert drift[key] == single[key], key
    accuracy = next(r for r in summary["rules"] if r["rule"] == "accuracy:warning")
    assert accuracy["detection"]["unobserved"] == 1  # the concept-drift episode, with no accuracy stored
    assert summary["fault_kinds"]["drift_psi_max"] == ["input_drift"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("rule=drift:warning&threshold=1_0", "threshold"),
        ("rule=drift:warning&threshold=%205", "threshold"),
        ("rule=drift:warning&threshold=nan", "threshold"),
        ("rule=drift:warning&threshold=1e999", "threshold"),
        ("rule=drift:warning&threshold=1&threshold=2", "threshold"),
        ("rule=drift:warning&for=5m%0A", "for"),
        ("rule=drift:warning&from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "from"),
        ("rule=drift:warning&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", "from"),
        ("rule=drift:warning&to=2026-03-01", "to"),
        ("rule=drift:warning&episodes=2026-03-01T12:00:00Z", "episodes"),
        ("rule=drift:warning&episodes=2026-03-01T12:10:00Z/2026-03-01T12:00:00Z", "episodes"),
        ("rule=drift:warning&episodes=2026-03-01T12:00:00Z/2026-03-01T12:10:00Z%0A", "episodes"),
        ("rule=drift:warning&episodes=" + ",".join(["2026-03-01T12:00:00Z/2026-03-01T12:10:00Z"] * 101), "episodes"),
    ],
)
def test_malformed_parameters_are_400_naming_them(client, query: str, field: str) -> None:
    for path in ("/api/alerts/backtest", "/api/alerts/backtest/summary"):
        if path.endswith("summary") and field in ("threshold", "for"):
            continue  # the summary replays the rules as they are in force
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query, response.get_data(as_text=True))
        error = response.get_json()["error"]
        assert error["details"][0]["field"] == field


def test_the_document_describes_both_routes(client) -> None:
    paths = client.get("/api/openapi.json").get_json()["paths"]
    names = {p["name"] for p in paths["/api/alerts/backtest"]["get"]["parameters"]}
    assert {"rule", "threshold", "for", "window", "from", "to", "episodes"} <= names
    summary = {p["name"] for p in paths["/api/alerts/backtest/summary"]["get"]["parameters"]}
    assert summary == {"window", "from", "to", "episodes"}


def test_from_alone_replays_the_window_from_it(seeded) -> None:
    client = seeded.server.test_client()
    body = client.get("/api/alerts/backtest?rule=drift:warning&from=2026-03-01T12:00:00Z&window=1h").get_json()
    assert (body["from"], body["to"], body["fired"]) == ("2026-03-01T12:00:00.000Z", "2026-03-01T13:00:00.000Z", 2)
