"""Request bodies of the write routes, validated with pydantic (NaN and infinity refused)."""

from __future__ import annotations

import functools
import sys
from datetime import datetime
from typing import Annotated, Any, Literal, NotRequired

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetPydanticSchema,
    StringConstraints,
    TypeAdapter,
    WithJsonSchema,
    model_validator,
    with_config,
)
from pydantic.config import JsonDict
from pydantic_core import core_schema
from typing_extensions import TypedDict  # pydantic needs this one on Python < 3.12

from api.multiclass_rules import MAX_CLASSES, MULTICLASS_TEXT, foreign_class_problem
from api.params import TIME_PATTERN, TIME_RANGE_TEXT, TIME_TEXT, parse_time, utc_in_range

MAX_BATCH = 10_000
Name = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")]
Id = Annotated[str, StringConstraints(min_length=1, max_length=128)]
FeatureName = Annotated[str, StringConstraints(min_length=1, max_length=128)]
MAX_CATEGORY = 200
FLOAT_MAX = sys.float_info.max
FEATURE_VALUE_TEXT = (
    f"a number, a category (a string of at most {MAX_CATEGORY} characters), true or false "
    "(a category of two, stored as 'true' / 'false'), or null (missing)"
)
# One union checked in pydantic-core, with one error naming the field when no member fits: a Python
# validator per value cost ~10 ms per 1,000 rows x 12 features, this ~0.2-0.4 ms over plain floats.
_FEATURE_VALUE = core_schema.union_schema(
    # The bounds change nothing a double can hold; they tell the document that a JSON number beyond (1e400) is refused.
    [
        core_schema.float_schema(allow_inf_nan=False, strict=True, ge=-FLOAT_MAX, le=FLOAT_MAX),
        core_schema.bool_schema(strict=True),
        core_schema.str_schema(max_length=MAX_CATEGORY, strict=True),
        core_schema.none_schema(),
    ],
    mode="left_to_right",
    custom_error_type="feature_value",
    custom_error_message=f"a feature value must be {FEATURE_VALUE_TEXT}",
    metadata={"pydantic_js_updates": {"description": f"A feature value: {FEATURE_VALUE_TEXT}."}},
)
FeatureValue = Annotated[Any, GetPydanticSchema(lambda _type, _handler: _FEATURE_VALUE)]


def _integral(value: Any) -> Any:
    """JSON Schema's integer includes 1.0 (the OpenAPI document says integer); strict pydantic would refuse it."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


Label = Annotated[int, Field(ge=0, le=1_000_000), BeforeValidator(_integral)]
# A multiclass model's class: a name, or an integer (a Label; 3 and "3" are one class: api/multiclass_rules.py);
# one union with one error naming the field, as for feature values.
ClassName = Annotated[str, StringConstraints(min_length=1, max_length=MAX_CATEGORY)]
CLASS_TEXT = f"a class: a name of 1 to {MAX_CATEGORY} characters, or an integer in [0, 1000000]"
_CLASS_VALUE = core_schema.union_schema(
    [
        core_schema.no_info_before_validator_function(_integral, core_schema.int_schema(strict=True, ge=0, le=1_000_000)),
        core_schema.str_schema(strict=True, min_length=1, max_length=MAX_CATEGORY),
    ],
    mode="left_to_right",
    custom_error_type="class_value",
    custom_error_message=f"a predicted label must be {CLASS_TEXT}",
    metadata={
        "pydantic_js_updates": {"description": f"The predicted label: 0/1 for a binary model, {CLASS_TEXT} for a multiclass one."}
    },
)
ClassValue = Annotated[Any, GetPydanticSchema(lambda _type, _handler: _CLASS_VALUE)]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]


# The rows of a batch share few distinct times: each is parsed and checked once (a ValueError is not cached).
_parsed, _checked = functools.lru_cache(maxsize=1024)(parse_time), functools.lru_cache(maxsize=1024)(utc_in_range)


def _in_range(value: datetime) -> datetime:
    _checked(value)  # checked only: storage converts it to UTC itself
    return value


def _form(value: Any) -> Any:
    return _parsed(value) if isinstance(value, str) else value


# A time far enough out (0001-01-01T00:00:00+14:00) overflowed converting to UTC: a 500, now a 422 naming it.
# Parsed here, as the query parameters are: pydantic alone also takes a date, a Unix time, "2026-01-01T10:00".
Timestamp = Annotated[
    datetime,
    AfterValidator(_in_range),
    BeforeValidator(_form),
    WithJsonSchema({"type": "string", "pattern": TIME_PATTERN, "description": f"{TIME_TEXT}, {TIME_RANGE_TEXT}"}),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


class PredictRequest(Strict):
    """One row in `features`, or several in `instances` (scored together)."""

    # The "exactly one of" rule below, said in the OpenAPI document too.
    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {"required": ["features"], "properties": {"features": {"type": "object"}, "instances": {"type": "null"}}},
                {"required": ["instances"], "properties": {"instances": {"type": "array"}, "features": {"type": "null"}}},
            ]
        }
    )

    model: Name | None = None
    features: dict[FeatureName, Any] | None = None
    instances: list[dict[FeatureName, Any]] | None = Field(default=None, min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _one_form(self) -> PredictRequest:
        if (self.features is None) == (self.instances is None):
            raise ValueError("give exactly one of 'features' (one row) or 'instances' (a batch)")
        return self


# Ingest bodies are TypedDicts rather than models: validating 1,000 rows into dicts took 11 ms
# here against 19 ms into model instances, on the route whose goal is 50,000 rows/s.
INGEST_CONFIG = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


PREDICTION_TEXT = "a regression model's predicted value (any finite number; binary models log score instead)"
# A regression label: any finite number. An integer in [0, 1,000,000] is tried first, so labels of the
# classifiers stay integers; other numbers are kept exactly as doubles (data/ingest.py, outcome_values).
RegressionLabel = Annotated[float, Field(ge=-FLOAT_MAX, le=FLOAT_MAX)]
OutcomeLabel = Annotated[
    Label | RegressionLabel | ClassName,
    Field(
        union_mode="left_to_right",
        description="0/1 for a binary model; any finite number for a regression model; a class for a multiclass model",
    ),
]


# log_problems' cross-field rule, said in the OpenAPI document: 'ok' (the default) needs a score, 'error' an error_kind.
LOG_RULE: JsonDict = {
    "if": {"required": ["status"], "properties": {"status": {"const": "error"}}},
    "then": {"required": ["error_kind"], "properties": {"error_kind": {"type": "string"}}},
    # a regression model's 'ok' row carries its predicted value in 'prediction' instead (api/regression_rows.py)
    "else": {"anyOf": [{"required": ["score"]}, {"required": ["prediction"]}]},
}


@with_config(ConfigDict(**INGEST_CONFIG, json_schema_extra=LOG_RULE))
class PredictionLogIn(TypedDict):
    id: Id
    model: Name
    timestamp: NotRequired[Timestamp | None]
    model_version: NotRequired[Annotated[str, StringConstraints(max_length=64)] | None]
    features: NotRequired[Annotated[dict[FeatureName, FeatureValue], Field(max_length=500)] | None]
    score: NotRequired[Annotated[float, Field(ge=0.0, le=1.0)] | None]
    prediction: NotRequired[Annotated[float, Field(ge=-FLOAT_MAX, le=FLOAT_MAX, description=PREDICTION_TEXT)] | None]
    predicted_label: NotRequired[ClassValue | None]
    probabilities: NotRequired[
        Annotated[dict[ClassName, Probability], Field(min_length=1, max_length=MAX_CLASSES, description=MULTICLASS_TEXT)] | None
    ]
    latency_seconds: NotRequired[Annotated[float, Field(ge=0.0, le=86_400.0)] | None]
    status: NotRequired[Literal["ok", "error"]]
    error_kind: NotRequired[Annotated[str, StringConstraints(min_length=1, max_length=64)] | None]


# Ids unique in a batch: JSON Schema can say that no two rows are equal (uniqueItems), not that no two ids are;
# the rest is said in words and as an extension.
UNIQUE_IDS = {"uniqueItems": True, "x-unique-property": "id"}
UNIQUE_TEXT = (
    f"1 to {MAX_BATCH:,} rows; each id at most once in a batch (a repeated id is a 422 duplicate_ids; "
    "an id already stored is skipped and counted as a duplicate)"
)


TASK_TEXT = (
    "the task of every model in the batch, recorded with a model's first batch and fixed from then on (a "
    "different task for a model that has data is a 409: log it under a new model name); without it a new "
    "model is binary (a score in [0, 1], integer 0/1 labels). A regression model logs its predicted value as "
    "`prediction` (any finite number, no score) and its outcomes' labels as numbers. A multiclass model logs "
    "predicted_label (a class) and optional probabilities, and its outcomes' labels as classes"
)
INGESTED_TASKS = ("binary", "regression")


@with_config(INGEST_CONFIG)
class PredictionBatch(TypedDict):
    predictions: Annotated[
        list[PredictionLogIn], Field(min_length=1, max_length=MAX_BATCH, description=UNIQUE_TEXT, json_schema_extra=UNIQUE_IDS)
    ]
    task: NotRequired[Annotated[Literal["binary", "multiclass", "regression"], Field(description=TASK_TEXT)]]


@with_config(INGEST_CONFIG)
class OutcomeIn(TypedDict):
    id: Id
    label: OutcomeLabel
    timestamp: NotRequired[Timestamp | None]


@with_config(INGEST_CONFIG)
class OutcomeBatch(TypedDict):
    outcomes: Annotated[
        list[OutcomeIn], Field(min_length=1, max_length=MAX_BATCH, description=UNIQUE_TEXT, json_schema_extra=UNIQUE_IDS)
    ]


PREDICTION_BATCH = TypeAdapter(PredictionBatch)
# A large body's parts, validated a chunk of rows at a time (api/ingest_stream.py).
PREDICTION_ROWS = TypeAdapter(list[PredictionLogIn])
OUTCOME_BATCH = TypeAdapter(OutcomeBatch)


def log_problems(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rules across fields: 'ok' needs a score, 'error' an error_kind."""
    problems = []
    for i, row in enumerate(rows):
        status = row.get("status", "ok")
        if status == "ok" and row.get("score") is None:
            problems.append(
                {"row": i, "field": f"predictions[{i}].score", "error": "a prediction with status 'ok' needs a score"}
            )
        elif status == "error" and row.get("error_kind") is None:
            problems.append(
                {
                    "row": i,
                    "field": f"predictions[{i}].error_kind",
                    "error": "a prediction with status 'error' needs an error_kind",
                }
            )
        if isinstance(row.get("predicted_label"), str) or row.get("probabilities") is not None:
            problems.append(foreign_class_problem(i, row))
    return problems


class DemoSwitches(Strict):
    input_drift: bool | None = None
    concept_drift: bool | None = None
    load_spike: bool | None = None
    error_burst: bool | None = None


Tolerance = Annotated[float, Field(ge=0, le=FLOAT_MAX)]


class ToleranceSetting(Strict):
    """A regression model's tolerance: a prediction succeeds within `absolute` or `relative` * |label| of its
    label; a side left out or 0 is off, and at least one side is above 0."""

    # the one-side-above-0 rule, stated for the OpenAPI document too
    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        strict=True,
        json_schema_extra={
            "anyOf": [{"required": [side], "properties": {side: {"exclusiveMinimum": 0}}} for side in ("absolute", "relative")]
        },
    )
    model: Name
    absolute: Tolerance = 0.0
    relative: Tolerance = 0.0

    @model_validator(mode="after")
    def _one_side(self) -> ToleranceSetting:
        if self.absolute <= 0 and self.relative <= 0:
            raise ValueError("give absolute or relative above 0 (both 0 would count every error a failure)")
        return self
