"""The alert rules in force: the shipped defaults with the user's file laid over them. They are also
the threshold table the status badges read (analytics/thresholds.py)."""

from __future__ import annotations

from pathlib import Path

from analytics.alert_rules import Rule, load_rule_sources
from data.alert_rules_source import rule_sources


def load_rules(user_path: Path | None) -> list[Rule]:
    """Raises RulesError or RulesFileError naming the file and line."""
    return load_rule_sources(rule_sources(user_path))
