"""Alert routes, health and /metrics on the Flask test client over a real temporary DuckDB; the
export-rules command through promtool; a bad rules file stopping start-up."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from analytics.alert_rules import RulesError
from app import ROOT, main
from collectors.alerting import AlertingCollector
from data.clock import utcnow

PROMTOOL = shutil.which("promtool")
FORCE = '[[rule]]\nname = "test_cpu"\nseverity = "critical"\nmetric = "cpu_percent"\ncomparison = ">="\nthreshold = 0\n'


def _alerting(app) -> AlertingCollector:
    return next(c for c in app.predwatch.runner.collectors if c.name == "alerting")


def _force_firing(app) -> None:
    store = app.predwatch.runtime.store
    with store.transaction("seed") as cur:
        cur.execute(
            "INSERT INTO system_samples (ts, cpu_percent, memory_percent, disk_used_percent) VALUES (?, 5, 5, 5)", [utcnow()]
        )
    _alerting(app).collect(utcnow())


@pytest.fixture
def forced(make_app, tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text(FORCE)
    app = make_app(rules=rules)
    _force_firing(app)
    return app


def test_alerts_list_filters_and_counts(forced):
    client = forced.server.test_client()
    body = client.get("/api/alerts").get_json()
    assert body["firing"] == 1
    assert body["firing_by_severity"] == {"critical": 1}
    assert [(a["rule"], a["state"], a["value"]) for a in body["alerts"]] == [("test_cpu:critical", "firing", 5.0)]
    assert body["alerts"][0]["fired_at"].endswith("Z")
    assert body["alerts"][0]["labels"] == {}  # a host rule: no subject
    assert client.get("/api/alerts?state=resolved").get_json()["alerts"] == []
    assert client.get("/api/alerts?severity=warning").get_json()["alerts"] == []
    for bad in ("state=loud", "severity=info", "limit=0", "limit=x"):
        error = client.get(f"/api/alerts?{bad}")
        assert error.status_code == 400
        assert error.get_json()["error"]["code"] == "bad_parameter"


def test_health_uses_firing_alerts_and_metrics_expose_them(forced):
    client = forced.server.test_client()
    health = client.get("/api/system_health").get_json()
    assert health["status"] == "critical"
    assert health["alerts"]["count"] == 1
    text = client.get("/metrics").get_data(as_text=True)
    none = 'feature="",model="",process=""'  # a host rule's alert has no subject
    assert f'alerts_firing{{{none},rule="test_cpu",severity="critical"}} 1.0' in text
    assert f'alerts_firing{{{none},rule="cpu",severity="critical"}} 0.0' in text
    assert "cpu_percent 5.0" in text
    assert 'alert_transitions_total{rule="test_cpu",severity="critical",state="firing"} 1.0' in text
    if PROMTOOL:
        check = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_rules_route_and_openapi(client):
    rules = client.get("/api/alerts/rules").get_json()["rules"]
    cpu = next(r for r in rules if r["id"] == "cpu:critical")
    assert (cpu["metric"], cpu["comparison"], cpu["threshold"], cpu["for_seconds"]) == ("cpu_percent", ">", 90, 300)
    assert (cpu["no_data"], cpu["no_data_for_seconds"], cpu["description"]) == ("keep_state", 600, "CPU above 90 % for 5m")
    assert next(r for r in rules if r["id"] == "drift:warning")["subjects"] == ["model", "feature"]
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert {"/api/alerts", "/api/alerts/rules", "/api/alerts/backtest"} <= set(paths)


def test_backtest_counts_periods_with_an_edited_threshold(app, client):
    store, now = app.predwatch.runtime.store, utcnow()
    start = now - timedelta(minutes=30)
    cpu = [95.0 if 100 <= i < 500 or 900 <= i < 1000 else 20.0 for i in range(1200)]  # 1 s samples
    with store.transaction("seed") as cur:
        cur.executemany(
            "INSERT INTO system_samples (ts, cpu_percent) VALUES (?, ?)",
            [[start + timedelta(seconds=i), v] for i, v in enumerate(cpu)],
        )
    shipped = client.get("/api/alerts/backtest?rule=cpu:critical&window=1h").get_json()
    assert shipped["samples"] == 1200
    assert shipped["fired"] == 1  # only the 400 s stretch lasts 5 min
    edited = client.get("/api/alerts/backtest?rule=cpu:critical&window=1h&for=60s").get_json()
    assert edited["fired"] == 2
    assert edited["rule"]["for_seconds"] == 60
    assert client.get("/api/alerts/backtest?rule=cpu:critical&threshold=99").get_json()["fired"] == 0
    for bad in ("rule=nope", "rule=cpu:critical&threshold=abc", "rule=cpu:critical&for=soon", "rule=cpu:critical&window=2d"):
        assert client.get(f"/api/alerts/backtest?{bad}").status_code == 400


def test_backtest_of_metrics_whose_tables_are_empty_is_no_data(client):
    rules = ("latency:critical", "errors:warning", "accuracy:warning", "drift:warning", "process_down:critical")
    for rule in (*rules, "regression_error:warning", "macro_f1:warning"):
        body = client.get(f"/api/alerts/backtest?rule={rule}").get_json()
        assert (body["samples"], body["fired"]) == (0, 0), rule


def test_bad_rules_file_stops_start_up_naming_the_line(make_app, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nname = "cpu"\nseverity = "critical"\nthreshold = "high"\n')
    with pytest.raises(RulesError, match=r"bad.toml line 4: threshold: threshold must be a number"):
        make_app(rules=bad)
    assert main(["--rules", str(bad), "--db", str(tmp_path / "x.duckdb"), "--port", "1"]) == 2
    assert "line 4" in capsys.readouterr().err
    assert main(["--rules", str(tmp_path / "missing.toml"), "--db", str(tmp_path / "y.duckdb")]) == 2


def test_unknown_no_data_value_stops_start_up_with_exit_2_naming_file_and_line(tmp_path, capsys):
    bad = tmp_path / "nodata.toml"
    bad.write_text('[[rule]]\nname = "cpu"\nseverity = "critical"\nno_data = "ignore"\n')
    assert main(["--rules", str(bad), "--db", str(tmp_path / "x.duckdb"), "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "nodata.toml line 4: no_data: no_data must be one of keep_state, alerting, ok" in err


def _export(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "export-rules", *args], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(PROMTOOL is None, reason="promtool (Debian package prometheus) is not installed")
def test_exported_rules_pass_promtool_check_and_the_shipped_unit_test(tmp_path):
    exported = _export()
    assert exported == (ROOT / "deploy" / "alert-rules.yml").read_text(), "regenerate deploy/alert-rules.yml"
    (tmp_path / "alert-rules.yml").write_text(exported)
    shutil.copy(ROOT / "deploy" / "alert-rules.test.yml", tmp_path)
    check = subprocess.run([PROMTOOL, "check", "rules", "alert-rules.yml"], cwd=tmp_path, capture_output=True, text=True)
    # the shipped rules and PredwatchInstanceDown
    assert check.returncode == 0, check.stdout + check.stderr
    assert "SUCCESS: 16 rules found" in check.stdout, check.stdout + check.stderr
    test = subprocess.run([PROMTOOL, "test", "rules", "alert-rules.test.yml"], cwd=tmp_path, capture_output=True, text=True)
    assert test.returncode == 0, test.stdout + test.stderr
    # the unit test really checks the thresholds: exported with CPU at 96 % it fails
    user = tmp_path / "user.toml"
    user.write_text('[[rule]]\nname = "cpu"\nseverity = "critical"\nthreshold = 96\n')
    (tmp_path / "alert-rules.yml").write_text(_export("--rules", str(user)))
    again = subprocess.run([PROMTOOL, "test", "rules", "alert-rules.test.yml"], cwd=tmp_path, capture_output=True, text=True)
    assert again.returncode != 0


def test_export_of_a_bad_file_is_an_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rule]\n")
    done = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "export-rules", "--rules", str(bad)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 2
    assert "bad.toml" in done.stderr
    assert "line 1" in done.stderr


def test_defaults_file_is_shipped():
    assert (Path(ROOT) / "data" / "default_alert_rules.toml").exists()


MAE_TEST = """rule_files:
  - alert-rules.yml
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'mae{instance="a:8050", job="predwatch", model="loan-amount"}'
        values: '3000x2 stale _x2 3000 1000x2'
      - series: 'mae{instance="a:8050", job="predwatch", model="other"}'
        values: '1000x8'
    alert_rule_test:
"""
MAE_ALERT = """      - eval_time: {at}
        alertname: PredwatchLoanMaeWarning
        exp_alerts:
          - exp_labels: {{severity: warning, rule: loan_mae, instance: "a:8050", model: loan-amount}}
            exp_annotations:
              summary: "a regression model's mean absolute error (in its labels' unit) > 2500"
              description: "MAE above 2500"
              value: "3000"
"""


@pytest.mark.skipif(PROMTOOL is None, reason="promtool (Debian package prometheus) is not installed")
def test_a_users_mae_rule_is_exported_per_model_and_holds_through_a_gap(tmp_path):
    """mae has no shipped rule (its unit is the labels'): the README's example rule, exported and run by promtool:
    fires for the model above it, holds through a 3-minute gap, resolves on a fresh value under it."""
    user = tmp_path / "user.toml"
    user.write_text(
        '[[rule]]\nname = "loan_mae"\nseverity = "warning"\nmetric = "mae"\ncomparison = ">"\nthreshold = 2500\n'
        'description = "MAE above {threshold}"\n'
    )
    (tmp_path / "alert-rules.yml").write_text(_export("--rules", str(user)))
    resolved = "      - eval_time: 7m\n        alertname: PredwatchLoanMaeWarning\n        exp_alerts: []\n"
    (tmp_path / "mae.test.yml").write_text(MAE_TEST + MAE_ALERT.format(at="1m") + MAE_ALERT.format(at="4m") + resolved)
    test = subprocess.run([PROMTOOL, "test", "rules", "mae.test.yml"], cwd=tmp_path, capture_output=True, text=True)
    assert test.returncode == 0, test.stdout + test.stderr
    user.write_text(user.read_text().replace("2500", "3500"))  # the test can fail: above the value, nothing fires
    (tmp_path / "alert-rules.yml").write_text(_export("--rules", str(user)))
    again = subprocess.run([PROMTOOL, "test", "rules", "mae.test.yml"], cwd=tmp_path, capture_output=True, text=True)
    assert again.returncode != 0
