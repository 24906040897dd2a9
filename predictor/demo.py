"""Switches for the built-in workload: input drift, concept drift, a load spike, an error burst.

Set from flags at start (optionally after a delay) and from the dashboard's demo controls;
read by the workload on every tick. Plain attribute writes are atomic in CPython.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

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

    def set(self, switches: Mapping[str, bool]) -> None:
        for name, on in switches.items():
            if name not in SWITCHES:
                raise ValueError(f"unknown demo switch {name!r}")
            setattr(self, name, bool(on))
            self.scheduled.pop(name, None)  # a user's choice beats a pending schedule

    def apply_schedule(self, elapsed_seconds: float) -> None:
        for name, after in list(self.scheduled.items()):
            if elapsed_seconds >= after:
                setattr(self, name, True)
                del self.scheduled[name]

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
