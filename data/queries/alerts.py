"""Alert instances and transitions: saving the lifecycle, restoring it on start, and reads for the
API, the Alerts page, the navbar badge and the shaded periods on charts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from data.store import Store

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = (
    "id",
    "rule",
    "name",
    "severity",
    "metric",
    "state",
    "value",
    "threshold",
    "subject",
    "started_at",
    "fired_at",
    "resolved_at",
    "last_true_at",
    "last_eval_at",
    "notified_state",
    "notified_at",
    "description",
)
STATES = ("pending", "firing", "resolved", "inactive")
SEVERITIES = ("warning", "critical")
TRANSITION_COLUMNS = ("ts", "alert_id", "rule", "severity", "from_state", "to_state", "value")


def save(store: Store, alerts: Sequence[dict[str, Any]], transitions: Sequence[dict[str, Any]]) -> None:
    """Upsert alert rows and append transitions, all in one transaction (a crash keeps both or neither)."""
    if not alerts and not transitions:
        return
    marks = ", ".join("?" for _ in COLUMNS)
    with store.transaction("alerts") as cur:
        for row in alerts:
            cur.execute(f"INSERT OR REPLACE INTO alerts ({', '.join(COLUMNS)}) VALUES ({marks})", [row.get(c) for c in COLUMNS])
        if transitions:
            cur.executemany(
                f"INSERT INTO alert_transitions ({', '.join(TRANSITION_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [[t[c] for c in TRANSITION_COLUMNS] for t in transitions],
            )


def touch(store: Store, alert_ids: Sequence[str], at: datetime) -> None:
    """Note an evaluation of still-active alerts (how old their state is after a restart)."""
    if alert_ids:
        with store.transaction("alerts") as cur:
            cur.execute("UPDATE alerts SET last_eval_at = ? WHERE id IN (SELECT unnest(?::VARCHAR[]))", [at, list(alert_ids)])


def mark_notified(store: Store, alert_id: str, state: str, at: datetime) -> None:
    with store.transaction("alerts") as cur:
        cur.execute("UPDATE alerts SET notified_state = ?, notified_at = ? WHERE id = ?", [state, at, alert_id])


def active(store: Store) -> list[dict[str, Any]]:
    """Pending and firing alerts, one per rule and subject (the newest, should an old crash have left two)."""
    return store.fetch_dicts(
        "alerts.active",
        f"""SELECT {", ".join(COLUMNS)} FROM alerts WHERE state IN ('pending', 'firing')
            QUALIFY row_number() OVER (PARTITION BY rule, subject ORDER BY started_at DESC) = 1""",
    )


def unnotified(store: Store) -> list[dict[str, Any]]:
    """Firing or resolved alerts whose transition the webhook has not accepted yet."""
    return store.fetch_dicts(
        "alerts.unnotified",
        f"""SELECT {", ".join(COLUMNS)} FROM alerts
            WHERE fired_at IS NOT NULL AND state IN ('firing', 'resolved')
              AND notified_state IS DISTINCT FROM state ORDER BY started_at""",
    )


def list_alerts(
    store: Store, state: str | None, severity: str | None, limit: int = 100, since: datetime | None = None
) -> list[dict[str, Any]]:
    """Newest first. Pending alerts that never fired are `inactive` and kept out unless asked for."""
    return store.fetch_dicts(
        "alerts.list",
        f"""SELECT {", ".join(c for c in COLUMNS if not c.startswith("notified"))} FROM alerts
            WHERE (? IS NULL AND state <> 'inactive' OR state = ?) AND (? IS NULL OR severity = ?)
              AND (? IS NULL OR coalesce(resolved_at, last_eval_at, started_at) >= ?)
            ORDER BY started_at DESC, rule, subject LIMIT ?""",
        [state, state, severity, severity, since, since, limit],
    )


def firing_counts(store: Store) -> dict[str, int]:
    """Firing alerts by severity (the navbar badge)."""
    rows = store.fetch_all(
        "alerts.firing_counts", "SELECT severity, count(*) FROM alerts WHERE state = 'firing' GROUP BY severity"
    )
    return {severity: int(n) for severity, n in rows}


def transitions(store: Store, since: datetime, limit: int = 500) -> list[dict[str, Any]]:
    return store.fetch_dicts(
        "alerts.transitions",
        f"SELECT {', '.join(TRANSITION_COLUMNS)} FROM alert_transitions WHERE ts >= ? ORDER BY ts DESC LIMIT ?",
        [since, limit],
    )


def periods(store: Store, since: datetime, until: datetime) -> pd.DataFrame:
    """Firing periods overlapping [since, until]: rule, severity, metric, start, end (until if still firing)."""
    return store.fetch_df(
        "alerts.periods",
        """SELECT rule, name, severity, metric, fired_at AS start,
                  coalesce(resolved_at, greatest(?, fired_at)) AS "end", state
           FROM alerts WHERE fired_at IS NOT NULL AND fired_at <= ? AND coalesce(resolved_at, ?) >= ?
           ORDER BY fired_at""",
        [until, until, until, since],
    )
