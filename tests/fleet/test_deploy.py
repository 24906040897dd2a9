"""deploy/: the Prometheus config and alert rules pass promtool, the rules file is what
`python app.py export-rules` prints, and the Grafana dashboard is importable dashboard JSON."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.fleet import grafana

DEPLOY = grafana.ROOT / "deploy"
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(PROMTOOL is None, reason="promtool missing (Debian package prometheus)")


@needs_promtool
@pytest.mark.parametrize(("command", "path"), [("config", "prometheus.yml"), ("rules", "alert-rules.yml")])
def test_promtool_accepts_the_deploy_files(command: str, path: str) -> None:
    done = subprocess.run([PROMTOOL, "check", command, str(DEPLOY / path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout + done.stderr


def test_alert_rules_file_is_the_current_export() -> None:
    done = subprocess.run(
        [sys.executable, "app.py", "export-rules"], cwd=grafana.ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == (DEPLOY / "alert-rules.yml").read_text()


def test_grafana_dashboard_is_importable_json_with_a_datasource_variable() -> None:
    board = grafana.load()
    assert board["title"]
    assert board["uid"]
    assert isinstance(board["schemaVersion"], int)
    variables = {v["name"]: v for v in board["templating"]["list"]}
    assert variables["DS_PROMETHEUS"]["type"] == "datasource"
    assert variables["DS_PROMETHEUS"]["query"] == "prometheus"
    assert board["__inputs"][0]["name"] == "DS_PROMETHEUS"
    ids = [p["id"] for p in board["panels"]]
    assert len(ids) == len(set(ids))
    for panel in board["panels"]:
        assert panel["datasource"]["uid"] == "${DS_PROMETHEUS}"
        assert set(panel["gridPos"]) == {"h", "w", "x", "y"}
        assert panel["targets"]
        assert all(t["expr"] and t["refId"] for t in panel["targets"])
    names = set().union(*map(grafana.metric_names, grafana.expressions(board)))
    # The list: request rate, latency quantiles, errors, queue length, AUC and drift gauges.
    assert {"predictions_total", "prediction_duration_seconds_bucket", "queue_length", "model_auc", "feature_psi"} <= names


def test_metric_name_extraction_ignores_labels_functions_and_strings() -> None:
    expr = 'histogram_quantile(0.95, sum by (instance, le) (rate(x_bucket{instance=~"$instance",a="b c"}[5m])))'
    assert grafana.metric_names(expr) == {"x_bucket"}
