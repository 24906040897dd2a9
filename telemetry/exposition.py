"""The metrics computed when /metrics is scraped, registered in one app's registry. The collectors that
build them are the other modules of this room (writer.py, database.py, alerts.py, fleet.py), all through
metrics.py's `family()`; the parts they read (the writer, the store, the alerting pass) are handed in."""

from __future__ import annotations

from collections.abc import Sequence

from analytics.alert_rules import Rule
from data.store import Store
from data.writer import Writer
from state.databases import DatabaseState
from telemetry.alerts import AlertGauges
from telemetry.database import DatabaseMetrics
from telemetry.fleet import FleetMetrics
from telemetry.metrics import Telemetry
from telemetry.writer import KEYS as WRITER_KEYS
from telemetry.writer import WriterCounters


def expose_storage(telemetry: Telemetry, store: Store, writer: Writer) -> None:
    """The writer's queue length and counters, the store's busy cursors, and the fleet-mergeable model
    quality counts (kept in the store)."""
    telemetry.bind_state(queue_length=lambda: writer.queue_length, active_cursors=lambda: store.active_cursors)
    telemetry.registry.register(WriterCounters(lambda: {key: getattr(writer.stats, key) for key in WRITER_KEYS}))
    telemetry.registry.register(FleetMetrics(store))


def expose_databases(telemetry: Telemetry, store: Store, state: DatabaseState) -> None:
    """The store's query times, cursor pool and files, and the newest data-quality and PostgreSQL readings."""
    telemetry.registry.register(DatabaseMetrics(store, state))


def expose_alerts(telemetry: Telemetry, rules: Sequence[Rule]) -> AlertGauges:
    """The alert gauges over `rules` (with their no-data rules); the alerting pass updates what it returns."""
    gauges = AlertGauges(list(rules))
    telemetry.registry.register(gauges)
    return gauges
