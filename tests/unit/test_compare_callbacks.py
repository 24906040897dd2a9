"""Compare periods end to end on the server: a real DuckDB store seeded with the last hour and the same hour
a day earlier, the Predictions and Model callbacks called through Dash's endpoint as the browser calls them."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from bench.seed_history import _us, evaluation_tables, prediction_chunk
from dashboard import ids
from data.clock import utcnow
from data.queries import model_views as mv
from data.queries import predictions as q
from data.store import Store
from data.writer import Writer

DAY = timedelta(days=1)


def seed_two_periods(db: object, now: datetime) -> None:
    """600 predictions 50-10 min ago and 600 a day before that (the earlier ones twice as slow), and model
    evaluations every 5 min over both hours."""
    store = Store(db)
    writer = Writer(store)
    rng = np.random.default_rng(7)
    for first_id, start in ((0, now - timedelta(minutes=50)), (10_000, now - DAY - timedelta(minutes=50))):
        ts_us = np.sort(_us(start) + rng.integers(0, 40 * 60 * 1_000_000, 600))
        tables = prediction_chunk(rng, first_id, ts_us, np.zeros(600, dtype=bool), 0.0)
        if first_id:
            tables["predictions"] = tables["predictions"].set_column(
                6, "latency_seconds", pd.Series(tables["predictions"]["latency_seconds"].to_numpy()) * 2
            )
        writer.write_arrow(tables)
        writer.write_arrow(evaluation_tables(writer, _us(start), _us(start + timedelta(minutes=40)), []))
    store.close()


def call(app: object, graph_id: str, values: dict[str, object]) -> dict:
    """POST the callback whose outputs include `graph_id`'s figure store; inputs it declares get `values`
    (by component id) or None. Returns {component id: {prop: value}}."""
    key, spec = next((k, s) for k, s in app.callback_map.items() if ids.figure_store(graph_id) + ".data" in k)
    outputs = [{"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]} for part in key.strip(".").split("...")]
    body = {
        "output": key,
        "outputs": outputs,
        "inputs": [{**i, "value": values.get(i["id"])} for i in spec["inputs"]],
        "state": [{**s, "value": None} for s in spec["state"]],
        "changedPropIds": [f"{ids.RANGE}.value"],
    }
    response = app.server.test_client().post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["response"]


def traces(response: dict, graph_id: str) -> dict[str, dict]:
    return {t["name"]: t for t in response[ids.figure_store(graph_id)]["data"]["data"]}


def values(array: object) -> list:
    """A trace array as JSON carries it: a list, or plotly's typed array {"dtype", "bdata"} for numbers."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def title(response: dict, graph_id: str) -> str:
    return response[ids.figure_store(graph_id)]["data"]["layout"]["title"]["text"]


@pytest.fixture
def seeded_app(settings, make_app):
    now = utcnow().replace(microsecond=0)
    seed_two_periods(settings.db, now)
    return make_app(), now


def test_predictions_overlay_the_same_hour_a_day_earlier(seeded_app) -> None:
    app, now = seeded_app
    pred = {ids.RANGE: "1h", ids.PRED_MODEL: "__all__", ids.TICK: 1}
    off = call(app, ids.THROUGHPUT_GRAPH, {**pred, ids.PRED_COMPARE: "off"})
    assert not [n for n in traces(off, ids.THROUGHPUT_GRAPH) if "earlier" in n]
    on = call(app, ids.THROUGHPUT_GRAPH, {**pred, ids.PRED_COMPARE: "1d"})
    throughput = traces(on, ids.THROUGHPUT_GRAPH)
    earlier = throughput["credit-gbm (1 d earlier)"]
    # The same rows as the query of the earlier hour, moved one day forward, values unchanged.
    expected = q.throughput_series(app.predwatch.runtime.store, now - DAY - timedelta(hours=1), now - DAY, None)
    expected = expected[expected["model"] == "credit-gbm"]
    assert [datetime.fromisoformat(x) for x in earlier["x"]] == list(expected["ts"] + DAY)
    assert earlier["customdata"][0] == f"{expected['ts'].iloc[0]:%Y-%m-%d %H:%M:%S}"
    assert values(earlier["y"]) == pytest.approx(list(expected["requests_per_second"]))
    assert title(on, ids.THROUGHPUT_GRAPH) == "Throughput"  # the no-data note shows only when there is none
    assert "error rate (1 d earlier)" in traces(on, ids.ERROR_GRAPH)
    assert "credit-gbm p95 (1 d earlier)" in traces(on, ids.LATENCY_GRAPH)
    assert "credit-gbm success (1 d earlier)" in traces(on, ids.SUCCESS_GRAPH)
    assert "credit-gbm (1 d earlier)" in traces(on, ids.LATENCY_HISTOGRAM_GRAPH)
    note = on[ids.PRED_COMPARE_NOTE]["children"]
    assert note.startswith("throughput ")  # twice as slow
    assert "typical p95 latency" in note
    assert "1 d earlier (-" in note


def test_a_week_earlier_has_no_data_and_the_charts_say_so(seeded_app) -> None:
    app, _ = seeded_app
    week = call(app, ids.THROUGHPUT_GRAPH, {ids.RANGE: "1h", ids.PRED_MODEL: "__all__", ids.PRED_COMPARE: "1w"})
    assert not [n for n in traces(week, ids.THROUGHPUT_GRAPH) if "earlier" in n]
    assert "No data 1 wk earlier" in title(week, ids.THROUGHPUT_GRAPH)
    assert week[ids.PRED_COMPARE_NOTE]["children"] == "No data 1 wk earlier: nothing to compare with"


def test_model_quality_overlays_the_earlier_evaluations(seeded_app) -> None:
    app, now = seeded_app
    model = {ids.RANGE: "1h", ids.MODEL_WINDOW: "15m", ids.MODEL_SELECT: "credit-gbm"}
    on = call(app, ids.MODEL_QUALITY_GRAPH, {**model, ids.MODEL_COMPARE: "1d"})
    auc = traces(on, ids.MODEL_QUALITY_GRAPH)["AUC (1 d earlier)"]
    expected = mv.quality_series(app.predwatch.runtime.store, "credit-gbm", 900, now - DAY - timedelta(hours=1), now - DAY)
    assert len(expected) >= 8
    assert [datetime.fromisoformat(x) for x in auc["x"]] == list(expected["ts"] + DAY)
    assert values(auc["y"]) == pytest.approx(list(expected["auc"]))
    assert on[ids.MODEL_COMPARE_NOTE]["children"].startswith("mean AUC ")
    off = call(app, ids.MODEL_QUALITY_GRAPH, {**model, ids.MODEL_COMPARE: None})
    assert "AUC (1 d earlier)" not in traces(off, ids.MODEL_QUALITY_GRAPH)
    assert off[ids.MODEL_COMPARE_NOTE]["children"] == ""
