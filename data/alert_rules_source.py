"""Where the alert rules come from: the shipped defaults and an optional user file, as text.
(Parsing is pure and lives in analytics/alert_rules.py.)"""

from __future__ import annotations

from pathlib import Path

DEFAULT_RULES_PATH = Path(__file__).resolve().parent / "default_alert_rules.toml"


class RulesFileError(ValueError):
    """The user's rules file cannot be read."""


def rule_sources(user_path: Path | None) -> list[tuple[str, str]]:
    """(name, text) of the defaults and then the user's file, if one is given."""
    sources = [(DEFAULT_RULES_PATH.name, DEFAULT_RULES_PATH.read_text())]
    if user_path is not None:
        try:
            sources.append((str(user_path), Path(user_path).read_text()))
        except (OSError, UnicodeDecodeError) as exc:
            raise RulesFileError(f"cannot read rules file {user_path}: {exc}") from None
    return sources
