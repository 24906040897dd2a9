"""Small builders shared by the API tests."""

from __future__ import annotations

from typing import Any

from predictor.scenario import FEATURES

GOOD_FEATURES = {
    "income": 52000.0,
    "age": 38.0,
    "debt_to_income": 0.31,
    "credit_utilization": 0.42,
    "num_credit_lines": 6.0,
    "months_employed": 48.0,
    "loan_amount": 15000.0,
    "interest_rate": 0.11,
    "delinquencies_2y": 0.0,
    "inquiries_6m": 1.0,
    "savings_balance": 8000.0,
    "loan_term_months": 36.0,
}
assert set(GOOD_FEATURES) == set(FEATURES)


def log(i: int | str, **overrides: Any) -> dict[str, Any]:
    row = {
        "id": f"p-{i}",
        "timestamp": "2026-11-27T12:00:00Z",
        "model": "ext-model",
        "model_version": "3",
        "features": {"a": 1.0, "b": float(i) if isinstance(i, int) else 0.5},
        "score": 0.8,
        "predicted_label": 1,
        "latency_seconds": 0.012,
        "status": "ok",
        "error_kind": None,
    }
    row.update(overrides)
    return row


def count(app, table: str) -> int:
    return app.predwatch.runtime.store.fetch_one("test.count", f"SELECT count(*) FROM {table}")[0]


def table_counts(app) -> dict[str, int]:
    return {t: count(app, t) for t in ("predictions", "prediction_features", "outcomes")}
