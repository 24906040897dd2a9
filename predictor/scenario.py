"""A synthetic credit-default problem: 12 named, correlated numeric features and a label.

Features come from a latent Gaussian with a fixed correlation structure, then are mapped to
realistic ranges. Input drift shifts some features' distributions; concept drift changes how
the features relate to the label, so a model trained before it loses accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

FEATURES = (
    "income",
    "age",
    "debt_to_income",
    "credit_utilization",
    "num_credit_lines",
    "months_employed",
    "loan_amount",
    "interest_rate",
    "delinquencies_2y",
    "inquiries_6m",
    "savings_balance",
    "loan_term_months",
)
# Features input drift moves (income falls, utilization and rates rise), so they stand out.
DRIFTED_FEATURES = ("income", "credit_utilization", "interest_rate")


def _correlation(seed: int) -> np.ndarray:
    """A fixed, positive-definite correlation matrix with a few strong pairs."""
    rng = np.random.default_rng(seed)
    loadings = rng.normal(scale=0.5, size=(len(FEATURES), 3))
    cov = loadings @ loadings.T + np.eye(len(FEATURES)) * 0.6
    scale = np.sqrt(np.diag(cov))
    return cov / np.outer(scale, scale)


@dataclass(frozen=True)
class Drift:
    """0 = none, 1 = full effect."""

    input: float = 0.0
    concept: float = 0.0


class Scenario:
    def __init__(self, seed: int = 7) -> None:
        self.seed = seed
        self.chol = np.linalg.cholesky(_correlation(seed))

    def _latent(self, n: int, rng: np.random.Generator, drift: Drift) -> np.ndarray:
        z = rng.standard_normal((n, len(FEATURES))) @ self.chol.T
        if drift.input:
            for name, shift in (("income", -1.2), ("credit_utilization", 1.0), ("interest_rate", 0.9)):
                z[:, FEATURES.index(name)] += shift * drift.input
        return z

    @staticmethod
    def _to_features(z: np.ndarray) -> pd.DataFrame:
        import pandas as pd

        col = {name: z[:, i] for i, name in enumerate(FEATURES)}
        return pd.DataFrame(
            {
                "income": np.round(np.exp(10.9 + 0.45 * col["income"]), 0),
                "age": np.clip(np.round(41 + 11 * col["age"]), 18, 90),
                "debt_to_income": np.clip(0.32 + 0.12 * col["debt_to_income"], 0.0, 1.5),
                "credit_utilization": 1 / (1 + np.exp(-(col["credit_utilization"] - 0.4))),
                "num_credit_lines": np.clip(np.round(6 + 3 * col["num_credit_lines"]), 0, 40),
                "months_employed": np.clip(np.round(60 + 45 * col["months_employed"]), 0, 600),
                "loan_amount": np.round(np.exp(9.6 + 0.6 * col["loan_amount"]), 0),
                "interest_rate": np.clip(0.11 + 0.04 * col["interest_rate"], 0.02, 0.36),
                "delinquencies_2y": np.clip(np.floor(np.exp(0.7 * col["delinquencies_2y"]) - 0.6), 0, 12),
                "inquiries_6m": np.clip(np.round(1.2 + 1.1 * col["inquiries_6m"]), 0, 15),
                "savings_balance": np.round(np.exp(8.5 + 1.1 * col["savings_balance"]), 0),
                "loan_term_months": np.where(col["loan_term_months"] > 0.3, 60.0, 36.0),
            },
            columns=list(FEATURES),
        )

    @staticmethod
    def _risk(z: np.ndarray, concept: float) -> np.ndarray:
        col = {name: z[:, i] for i, name in enumerate(FEATURES)}
        logit = (
            -2.0
            - 0.8 * col["income"]
            + 0.9 * col["debt_to_income"]
            + 1.1 * col["credit_utilization"]
            + 0.7 * col["delinquencies_2y"]
            + 0.4 * col["inquiries_6m"]
            + 0.6 * col["interest_rate"]
            - 0.5 * col["savings_balance"]
            - 0.3 * col["months_employed"]
            + 0.5 * np.maximum(col["debt_to_income"], 0) * np.maximum(col["credit_utilization"], 0)
        )
        if concept:  # after concept drift, savings stop protecting and employment raises risk
            logit += concept * (0.9 * col["savings_balance"] + 0.9 * col["months_employed"] + 0.8 * col["age"])
        return 1 / (1 + np.exp(-logit))

    def sample(self, n: int, rng: np.random.Generator, drift: Drift = Drift()) -> tuple[pd.DataFrame, np.ndarray]:
        """n rows of features and their 0/1 labels."""
        z = self._latent(n, rng, drift)
        labels = (rng.random(n) < self._risk(z, drift.concept)).astype(np.int8)
        return self._to_features(z), labels

    def training_set(self, n: int = 20_000) -> tuple[pd.DataFrame, np.ndarray]:
        return self.sample(n, np.random.default_rng(self.seed))

    def holdout_set(self, n: int) -> tuple[pd.DataFrame, np.ndarray]:
        """Rows of the same traffic the models never trained on: their scores are as calibrated as live ones."""
        return self.sample(n, np.random.default_rng(self.seed + 1))
