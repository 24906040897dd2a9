"""deploy/fleet-rules.yml: promtool accepts it, its unit tests pass with expected fleet AUC,
accuracy and PSI computed in NumPy from the same counts (deploy/fleet_rules_test.py, regenerated here and
compared with the committed file), prometheus.yml loads it, and the commented remote_write section is
valid configuration once uncommented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.fleet import grafana
from tests.fleet.test_deploy import DEPLOY, PROMTOOL, needs_promtool


def _promtool(*args: str, cwd: Path = DEPLOY) -> str:
    done = subprocess.run([PROMTOOL, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_test_file_is_what_the_generator_prints() -> None:
    done = subprocess.run([sys.executable, str(DEPLOY / "fleet_rules_test.py")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (DEPLOY / "fleet-rules.test.yml").read_text()


@needs_promtool
def test_fleet_rules_check_and_their_unit_tests_pass() -> None:
    assert "SUCCESS: 19 rules found" in _promtool("check", "rules", "fleet-rules.yml")
    assert "SUCCESS" in _promtool("test", "rules", "fleet-rules.test.yml")
    assert "fleet-rules.yml" in _promtool("check", "config", "prometheus.yml")


@needs_promtool
def test_commented_remote_write_section_is_valid_config(tmp_path: Path) -> None:
    text = (DEPLOY / "prometheus.yml").read_text()
    section = text[text.index("# remote_write:") :]
    uncommented = re.sub(r"^# ?", "", section, flags=re.M)
    config = tmp_path / "prometheus.yml"
    config.write_text(text[: text.index("rule_files:")] + uncommented)
    assert "valid prometheus config" in _promtool("check", "config", str(config), cwd=tmp_path)


def test_grafana_shows_fleet_auc_accuracy_and_top_drifting_features_from_recorded_series() -> None:
    names = set().union(*map(grafana.metric_names, grafana.expressions(grafana.load())))
    fleet = {n for n in names if ":" in n}
    assert {"model:score_auc:fleet1h", "model:accuracy:fleet1h", "model_feature:psi:fleet1h"} <= fleet
    assert fleet <= grafana.recorded_names()
