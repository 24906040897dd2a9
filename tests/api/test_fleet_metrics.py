"""/metrics carries the fleet counts after an evaluation pass: score histograms by outcome and
labelled-prediction counts for every model, feature histograms and reference shares for a model with a
reference only; /api/drift says why a model has none."""

from __future__ import annotations

import json

from prometheus_client.parser import text_string_to_metric_families

from data.clock import utcnow
from predictor.models import CHAMPION
from tests.api.helpers import log
from tests.model_feed import evaluate, feed


def _samples(client) -> list:
    text = client.get("/metrics").get_data(as_text=True)
    return [s for family in text_string_to_metric_families(text) for s in family.samples]


def test_metrics_carry_fleet_counts_and_drift_says_why_a_model_has_no_reference(app, client) -> None:
    feed(app, 600, seed=3)
    rows = [log(i, timestamp=utcnow().isoformat()) for i in range(40)]
    assert (
        client.post("/api/predictions", data=json.dumps({"predictions": rows}), content_type="application/json").status_code
        == 200
    )
    now = utcnow()
    app.predwatch.runtime.writer.write_now({"outcomes": [(f"p-{i}", i % 2, now, now) for i in range(40)]})
    evaluate(app, {"15m": 900})
    samples = _samples(client)
    count = {(s.labels["model"], s.labels["outcome"]): s.value for s in samples if s.name == "model_score_count"}
    assert count[("ext-model", "positive")] == 20
    assert count[("ext-model", "negative")] == 20
    assert count[(CHAMPION, "positive")] + count[(CHAMPION, "negative")] > 0
    featured = {s.labels["model"] for s in samples if s.name == "model_feature_value_bucket"}
    assert CHAMPION in featured
    assert "ext-model" not in featured
    shares = [s for s in samples if s.name == "model_feature_reference_share" and s.labels["model"] == CHAMPION]
    assert shares
    assert abs(sum(s.value for s in shares if s.labels["feature"] == "__score__") - 1) < 1e-9
    assert sum(1 for s in samples if s.name == "model_score_bucket_lower") == 51
    missing = client.get("/api/drift?model=ext-model")
    error = missing.get_json()["error"]
    assert missing.status_code == 404
    assert error["details"][0]["reason"] == "no_reference"
    assert "no reference sample yet" in error["message"]
    assert "40 labelled so far" in error["message"]
