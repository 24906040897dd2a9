"""The built-in traffic: requests through the same instrumented predict path a real client
uses, at a rate with a daily shape and random bursts, a small share of invalid requests, the
challenger shadow-scoring every valid request, and outcomes that arrive after a random delay. The same
requests are scored by the demo's regression model and, given a models folder, its multiclass model."""

from __future__ import annotations

import heapq
import math
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from predictor.demo import DemoControls
from predictor.multiclass_demo import MODEL as GRADE_MODEL
from predictor.multiclass_demo import RiskGrades
from predictor.regression_demo import LATENCY as AMOUNT_LATENCY
from predictor.regression_demo import MODEL as AMOUNT_MODEL
from predictor.regression_demo import ApprovedAmount
from predictor.scenario import Scenario
from predictor.service import PredictionError, PredictionService


class WorkloadCollector:
    name = "workload"

    def __init__(
        self,
        service: PredictionService,
        controls: DemoControls,
        rate: float,
        *,
        challenger: str | None = None,
        invalid_share: float = 0.02,
        labelled_share: float = 0.9,
        label_delay: tuple[float, float] = (2.0, 120.0),
        interval: float = 0.1,
        seed: int | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        models_dir: Path | None = None,
    ) -> None:
        self.service, self.controls, self.rate = service, controls, rate
        self.challenger = challenger
        self.invalid_share, self.labelled_share, self.label_delay = invalid_share, labelled_share, label_delay
        self.interval = interval
        self.scenario = Scenario()
        self.rng = np.random.default_rng(seed)
        self.random = random.Random(seed)
        self.monotonic = monotonic  # injectable: bursts and scheduled switches follow it, so tests need no waiting
        self.started = monotonic()
        self.burst_until = 0.0
        self.pending: list[tuple[datetime, str, int]] = []  # heap of (due, prediction id, label)
        self.sent = 0
        self.amounts = ApprovedAmount(labelled_share, label_delay, seed)  # the demo's regression model
        self.grades = (  # the demo's multiclass model: trained into (or loaded from) models_dir on its first request
            None if models_dir is None else RiskGrades(service.writer.store, models_dir, labelled_share, label_delay, seed)
        )

    def current_rate(self, now: datetime) -> float:
        """Requests/s: a daily curve (peak mid-afternoon UTC), random bursts, the demo spike."""
        hour = now.hour + now.minute / 60
        daily = 0.75 + 0.25 * math.sin(2 * math.pi * (hour - 9) / 24)
        mono = self.monotonic()
        if mono >= self.burst_until and self.random.random() < 0.002:  # about one burst per minute
            self.burst_until = mono + self.random.uniform(3, 10)
        burst = 2.5 if mono < self.burst_until else 1.0
        return self.rate * daily * burst * self.controls.rate_factor()

    def _send(self, features: dict, label: int, now: datetime) -> None:
        if self.random.random() < self.invalid_share:
            features = dict(features, income=None if self.random.random() < 0.5 else "n/a")
        try:
            prediction = self.service.predict(features, fault=self.controls.fault)
        except PredictionError:
            return  # counted and stored by the service, as for any client
        ids = [prediction.id]
        if self.challenger:
            try:  # the challenger shadows the same request, so the same outcome labels it
                ids.append(self.service.predict(features, model=self.challenger).id)
            except PredictionError:
                pass
        if self.random.random() < self.labelled_share:
            due = now + timedelta(seconds=self.random.uniform(*self.label_delay))
            for pid in ids:
                heapq.heappush(self.pending, (due, pid, label))

    def _due_outcomes(self, now: datetime) -> list[tuple]:
        rows = []
        while self.pending and self.pending[0][0] <= now:
            due, pid, label = heapq.heappop(self.pending)
            rows.append((pid, label, due, now))
        return rows

    def collect(self, now: datetime) -> dict[str, list[tuple]]:
        self.controls.apply_schedule(self.monotonic() - self.started)
        count = int(self.rng.poisson(self.current_rate(now) * self.interval))
        amounts: dict[str, list[tuple]] = {}
        if count:
            frame, labels = self.scenario.sample(count, self.rng, self.controls.drift())
            for features, label in zip(frame.to_dict("records"), labels.tolist(), strict=True):
                self._send(features, label, now)
            self.sent += count
            amounts = self.amounts.predict(frame, self.controls.drift(), now)
            # the regression and multiclass models count on /metrics like the classifiers (the fleet's request rates
            # and latencies are compared with the stored rows'); only the multiclass one has an inference time
            metrics = self.service.metrics
            metrics.served(AMOUNT_MODEL, len(amounts.get("predictions", ())), AMOUNT_LATENCY, inference=False)
            if self.grades is not None:
                metrics.served(GRADE_MODEL, count, self.grades.serve(frame, self.controls.drift(), now), inference=True)
        if self.grades is not None:
            self.grades.store_due(now)
        due = self.amounts.due(now)
        return {
            **amounts,
            "outcomes": self._due_outcomes(now) + due["outcomes"],
            "outcome_values": due["outcome_values"],
            "demo_switches": self.controls.drain_changes(),
        }
