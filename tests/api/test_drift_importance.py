"""GET /api/drift weighs drift by the model's own importance when no permutation importance was measured."""

from __future__ import annotations

from predictor.models import CHAMPION
from predictor.scenario import Drift
from tests.model_feed import evaluate, feed


def test_drift_falls_back_to_the_models_own_importance(app, client) -> None:
    feed(app, 1200, seed=11, drift=Drift(input=1.0))
    evaluate(app, {"15m": 900})
    store = app.predwatch.runtime.store
    with store.transaction("seed") as cur:  # as if only the model's own importance had been stored
        cur.execute("DELETE FROM feature_importance WHERE method = 'model'")
        cur.execute("UPDATE feature_importance SET method = 'model' WHERE method = 'permutation'")
    own = store.fetch_all("test", "SELECT count(*) FROM feature_importance WHERE model = ?", [CHAMPION])
    assert own[0][0] > 0
    body = client.get(f"/api/drift?model={CHAMPION}&window=15m").get_json()
    assert body["importance_method"] == "model"
    assert body["features"]
    assert all(f["importance"] is not None for f in body["features"])
