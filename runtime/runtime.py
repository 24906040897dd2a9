"""The objects one app shares between its routes, callbacks and collectors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from analytics.alert_rules import Rule
from analytics.thresholds import Levels, drift_bands, levels_by_metric
from answers.model_window import ModelAnswers
from data.store import Store
from data.writer import Writer
from runtime.health import HealthService
from runtime.rules import load_rules
from settings import Settings
from state.databases import DatabaseState
from state.status import StatusBoard
from telemetry.exposition import expose_storage
from telemetry.metrics import Telemetry

if TYPE_CHECKING:
    import pyarrow as pa

    from data.arrow_batches import Row


def _prediction_tables(records: Sequence[Row]) -> dict[str, pa.Table]:
    # imported on the first logged prediction: pyarrow (~40 MB) is not loaded by an app that logs none
    from data.prediction_log import prediction_tables

    return prediction_tables(records)


@dataclass
class Runtime:
    settings: Settings
    store: Store
    writer: Writer
    telemetry: Telemetry
    rules: list[Rule] = field(default_factory=list)  # the alert rules in force: also the threshold table
    board: StatusBoard = field(default_factory=StatusBoard)
    databases: DatabaseState = field(default_factory=DatabaseState)  # newest database readings, watched PostgreSQLs
    answers: ModelAnswers = field(init=False)  # quality and drift of any window; one reference cache per app
    health: HealthService = field(init=False)  # the one health report of the Overview and /api/system_health

    def __post_init__(self) -> None:
        self.answers = ModelAnswers(self.store, self.settings.min_eval_samples, drift_bands(self.rules))
        self.health = HealthService(
            self.store,
            self.writer,
            self.board,
            self.databases,
            self.levels,
            self.settings.sample_delay,
            self.settings.health_cache_seconds,
        )

    @classmethod
    def open(cls, settings: Settings, telemetry: Telemetry | None = None) -> Runtime:
        """Load the rules, then open (and migrate) the store. Raises RulesError or RulesFileError for a bad
        rules file, StoreLockedError if another process holds the database."""
        rules = load_rules(settings.rules)
        store = Store(settings.db)
        store.lock_down()  # after migrations: the serving connection reads no files and keeps its settings
        writer = Writer(
            store,
            capacity=settings.writer_queue_size,
            flush_interval=settings.writer_flush_interval,
            converters={"predictions": _prediction_tables},
        )
        telemetry = telemetry or Telemetry()
        expose_storage(telemetry, store, writer)
        return cls(settings, store, writer, telemetry, rules)

    @property
    def levels(self) -> dict[str, Levels]:
        """metric -> warning and critical thresholds, from the rules in force."""
        return levels_by_metric(self.rules)
