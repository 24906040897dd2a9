"""The demo's regression model, "loan-amount": for each credit request the workload sends it predicts the
amount a lender approves, from the same features. Its outcomes (the amount actually approved) arrive after a
random delay, as the classifier's labels do. The demo switches move it too: input drift shifts the features
(so its predictions drift), concept drift makes lenders approve less for the same request (its error grows).

Rows go through the writer like the built-in models' (a predictions record with its features, and outcome
rows whose numeric label sits in outcome_values); its task is recorded once, before its first prediction."""

from __future__ import annotations

import heapq
import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from predictor.scenario import Drift

if TYPE_CHECKING:
    import pandas as pd

MODEL, VERSION = "loan-amount", "1"
LATENCY = 0.002  # seconds a prediction takes (a closed-form model)


def approved_share(frame: pd.DataFrame) -> np.ndarray:
    """The share of the asked amount a lender approves: less with debt and utilisation, more with savings."""
    share = 1.05 - 0.9 * frame["debt_to_income"].to_numpy() - 0.25 * frame["credit_utilization"].to_numpy()
    share += 0.1 * np.tanh(frame["savings_balance"].to_numpy() / 20_000)
    return np.clip(share, 0.1, 1.0)


class ApprovedAmount:
    """Predictions of the approved amount and their delayed outcomes, as writer rows."""

    def __init__(self, labelled_share: float, label_delay: tuple[float, float], seed: int | None = None) -> None:
        self.labelled_share, self.label_delay = labelled_share, label_delay
        self.rng = np.random.default_rng(None if seed is None else seed + 1)  # its own: the classifier's draws stay
        self.random = random.Random(None if seed is None else seed + 1)
        self.pending: list[tuple[datetime, str, float]] = []  # heap of (due, prediction id, approved amount)
        self.recorded = False
        self.sent = 0

    def predict(self, frame: pd.DataFrame, drift: Drift, now: datetime) -> dict[str, list[tuple[Any, ...]]]:
        """The task row first (its first pass), then a prediction per request with its outcome scheduled."""
        if not self.recorded:
            self.recorded = True
            return {"model_tasks": [(MODEL, "regression", True, now)]}
        asked = frame["loan_amount"].to_numpy()
        predicted = np.round(asked * approved_share(frame), 2)
        tightened = 1.0 - 0.3 * drift.concept  # lenders approve less for the same request
        actual = np.round(asked * approved_share(frame) * tightened * self.rng.lognormal(0.0, 0.08, len(asked)), 2)
        rows = []
        for features, value, truth in zip(frame.to_dict("records"), predicted.tolist(), actual.tolist(), strict=True):
            self.sent += 1
            pid = f"amt-{self.random.getrandbits(64):016x}"
            rows.append((pid, now, MODEL, VERSION, value, None, LATENCY, "ok", None, "builtin", now, features))
            if self.random.random() < self.labelled_share:
                heapq.heappush(self.pending, (now + timedelta(seconds=self.random.uniform(*self.label_delay)), pid, truth))
        return {"predictions": rows}

    def due(self, now: datetime) -> dict[str, list[tuple[Any, ...]]]:
        """Outcomes whose time has come: the outcomes row (no integer label) and its amount."""
        outcomes, values = [], []
        while self.pending and self.pending[0][0] <= now:
            due, pid, truth = heapq.heappop(self.pending)
            outcomes.append((pid, None, due, now))
            values.append((pid, truth))
        return {"outcomes": outcomes, "outcome_values": values}
