"""Request bodies of the write routes, validated with pydantic (NaN and infinity refused)."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

MAX_BATCH = 10_000
Name = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")]
Id = Annotated[str, StringConstraints(min_length=1, max_length=128)]
FeatureName = Annotated[str, StringConstraints(min_length=1, max_length=128)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


class PredictRequest(Strict):
    """One row in `features`, or several in `instances` (scored together)."""

    model: Name | None = None
    features: dict[FeatureName, Any] | None = None
    instances: list[dict[FeatureName, Any]] | None = Field(default=None, min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _one_form(self) -> PredictRequest:
        if (self.features is None) == (self.instances is None):
            raise ValueError("give exactly one of 'features' (one row) or 'instances' (a batch)")
        return self


class PredictionLogIn(Strict):
    id: Id
    timestamp: datetime | None = None
    model: Name
    model_version: Annotated[str, StringConstraints(max_length=64)] | None = None
    features: dict[FeatureName, float] | None = Field(default=None, max_length=500)
    score: float | None = Field(default=None, ge=0.0, le=1.0)
    predicted_label: int | None = Field(default=None, ge=0, le=1_000_000)
    latency_seconds: float | None = Field(default=None, ge=0.0, le=86_400.0)
    status: Literal["ok", "error"] = "ok"
    error_kind: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None

    @model_validator(mode="after")
    def _score_or_error(self) -> PredictionLogIn:
        if self.status == "ok" and self.score is None:
            raise ValueError("a prediction with status 'ok' needs a score")
        if self.status == "error" and self.error_kind is None:
            raise ValueError("a prediction with status 'error' needs an error_kind")
        return self


class PredictionBatch(Strict):
    predictions: list[PredictionLogIn] = Field(min_length=1, max_length=MAX_BATCH)


class OutcomeIn(Strict):
    id: Id
    label: int = Field(ge=0, le=1_000_000)
    timestamp: datetime | None = None


class OutcomeBatch(Strict):
    outcomes: list[OutcomeIn] = Field(min_length=1, max_length=MAX_BATCH)


class DemoSwitches(Strict):
    input_drift: bool | None = None
    concept_drift: bool | None = None
    load_spike: bool | None = None
    error_burst: bool | None = None
