"""Switches for the built-in workload: input drift, concept drift, a load spike, an error burst.

Set from flags at start (optionally after a delay) and from the dashboard's demo controls;
read by the workload on every tick. Plain attribute writes are atomic in CPython. Every change is kept
with its time until the workload stores it (table demo_switches): the alert backtest's fault episodes.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from data.clock import utcnow
from predictor.scenario import Drift
from predictor.service import PredictionError

SWITCHES = ("input_drift", "concept_drift", "load_spike", "error_burst")


@dataclass
class DemoControls:
    input_drift: bool = False
    concept_drift: bool = False
    load_spike: bool = False
    error_burst: bool = False
    # switch -> seconds after start when it turns on by itself (from --demo-*-after flags)
    scheduled: dict[str, float] = field(default_factory=dict)
    spike_factor: float = 5.0
    burst_error_share: float = 0.3
    rng: random.Random = field(default_factory=random.Random)
    clock: Callable[[], datetime] = utcnow
    # (ts, switch, turned_on) rows not yet stored; a deque: request threads append, the workload drains.
    # It starts with every switch's state, so an episode left on by a stopped process ends at this start.
    changes: deque[tuple[datetime, str, bool]] = field(default_factory=deque)

    def __post_init__(self) -> None:
        now = self.clock()
        self.changes.extend((now, name, getattr(self, name)) for name in SWITCHES)

    def _switch(self, name: str, on: bool) -> None:
        if getattr(self, name) != on:
            setattr(self, name, on)
            self.changes.append((self.clock(), name, on))

    def set(self, switches: Mapping[str, bool]) -> None:
        for name, on in switches.items():
            if name not in SWITCHES:
                raise ValueError(f"unknown demo switch {name!r}")
            self._switch(name, bool(on))
            self.scheduled.pop(name, None)  # a user's choice beats a pending schedule

    def apply_schedule(self, elapsed_seconds: float) -> None:
        for name, after in list(self.scheduled.items()):
            if elapsed_seconds >= after:
                self._switch(name, True)
                del self.scheduled[name]

    def drain_changes(self) -> list[tuple[datetime, str, bool]]:
        """The changes since the last call, oldest first, as demo_switches rows."""
        out = []
        while self.changes:
            out.append(self.changes.popleft())
        return out

    def state(self) -> dict[str, bool]:
        return {name: getattr(self, name) for name in SWITCHES}

    def drift(self) -> Drift:
        return Drift(input=1.0 if self.input_drift else 0.0, concept=1.0 if self.concept_drift else 0.0)

    def rate_factor(self) -> float:
        return self.spike_factor if self.load_spike else 1.0

    def fault(self) -> None:
        """Raise a model error for a share of requests while the error burst is on."""
        if self.error_burst and self.rng.random() < self.burst_error_share:
            raise PredictionError("model_error", "injected model error (demo error burst)")
