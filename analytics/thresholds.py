"""The one threshold table.

Its rows are the alert rules in force: the shipped `data/default_alert_rules.toml` with a user's
`--rules` file laid over it. A status badge, a KPI card and the alerting collector all read their
levels from those rules, so a badge turns amber or red at the level where an alert would start, and
overriding a rule moves both. The drift verdict bands are here too (`DriftBands`): the significant
PSI level is the drift rule's threshold, so a "significant" verdict and a drift alert start together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from analytics.alert_rules import Rule

# Ordered, as Glances orders careful < warning < critical.
LEVELS = ("ok", "warning", "critical")
_RANK = {name: i for i, name in enumerate(LEVELS)}


@dataclass(frozen=True)
class Levels:
    """A metric's warning and critical thresholds; a value strictly above one has that status."""

    warning: float | None = None
    critical: float | None = None


NO_LEVELS = Levels()


def levels_by_metric(rules: Iterable[Rule]) -> dict[str, Levels]:
    """metric -> its thresholds, from the enabled `>` rules on it (one rule per severity)."""
    found: dict[str, Levels] = {}
    for rule in rules:
        if rule.enabled and rule.comparison in (">", ">=") and rule.severity in ("warning", "critical"):
            found[rule.metric] = replace(found.get(rule.metric, NO_LEVELS), **{rule.severity: rule.threshold})
    return found


@dataclass(frozen=True)
class DriftBands:
    """A feature's drift verdict by effect size: (moderate, significant) levels of PSI, of the Wasserstein
    distance in reference standard deviations (numeric features) and of the Jensen-Shannon distance (base
    2, categorical features); a verdict needs at least `rows_per_bucket` current rows per bucket compared."""

    psi: tuple[float, float] = (0.1, 0.25)
    wasserstein: tuple[float, float] = (0.1, 0.25)
    js: tuple[float, float] = (0.1, 0.2)
    rows_per_bucket: int = 10


DRIFT_BANDS = DriftBands()


def drift_bands(rules: Iterable[Rule]) -> DriftBands:
    """The bands with the significant PSI level of the enabled drift_psi_max warning rule, if any."""
    levels = levels_by_metric(rules).get("drift_psi_max", NO_LEVELS)
    if levels.warning is None:
        return DRIFT_BANDS
    return replace(DRIFT_BANDS, psi=(min(DRIFT_BANDS.psi[0], levels.warning), levels.warning))


def classify(value: float | None, levels: Levels) -> str:
    """'ok', 'warning' or 'critical' for a value strictly above a level; None is 'unknown'."""
    if value is None:
        return "unknown"
    if levels.critical is not None and value > levels.critical:
        return "critical"
    if levels.warning is not None and value > levels.warning:
        return "warning"
    return "ok"


def classify_metric(value: float | None, metric: str, levels: Mapping[str, Levels]) -> str:
    return classify(value, levels.get(metric, NO_LEVELS))


def worst(statuses: Iterable[str]) -> str:
    """The most severe known level; unknown and other words count as warning, none as ok."""
    rank = 0
    for status in statuses:
        rank = max(rank, _RANK.get(status, _RANK["warning"]))
    return LEVELS[rank]
