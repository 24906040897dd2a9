"""The newest readings of the database collectors (table sizes, data-quality results, watched
PostgreSQLs), shared with /metrics, the health route and the API."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DatabaseState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    tables: list[dict[str, Any]] = field(default_factory=list)
    quality: list[Any] = field(default_factory=list)  # QualityResult-like objects
    postgres: dict[str, dict[str, Any]] = field(default_factory=dict)  # target -> summary incl. up/error

    def set(self, **values: Any) -> None:
        with self.lock:
            for key, value in values.items():
                setattr(self, key, value)

    def set_postgres(self, target: str, summary: dict[str, Any]) -> None:
        with self.lock:
            self.postgres = {**self.postgres, target: summary}
