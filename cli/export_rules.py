"""`python app.py export-rules [--rules FILE]`: the rules in force as Prometheus alerting rules."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from analytics.alert_export import to_prometheus_yaml
from analytics.alert_rules import RulesError
from data.alert_rules_source import RulesFileError
from runtime.rules import load_rules


def export_rules(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="app.py export-rules", description="Print the alert rules as a Prometheus alerting-rules YAML file."
    )
    parser.add_argument("--rules", type=Path, default=None, help="rules TOML file laid over the shipped defaults")
    args = parser.parse_args(list(argv))
    try:
        rules = load_rules(args.rules)
    except (RulesError, RulesFileError) as exc:
        print(f"predwatch: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(to_prometheus_yaml(rules))
    return 0
