"""Model page for regression models ingested through the API into a live Predwatch (no demo): predicted vs
actual paints as a binned density with named axes, residuals over time as lines, the figures as four cards;
a regression model without labels says "No labels yet" in all three."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from dashboard import ids
from tests.browser.charts import GRAPH_DIV, summary
from tests.browser.conftest import SAMPLE_INTERVAL
from tests.conftest import LiveServer
from tests.waiting import eventually

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

GRAPHS = (ids.MODEL_ROC_GRAPH, ids.MODEL_PR_GRAPH, ids.MODEL_CONFUSION_GRAPH)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db = tmp_path_factory.mktemp("regression") / "live.duckdb"
    live = LiveServer(db, "--no-demo", "--sample-interval", SAMPLE_INTERVAL, "--eval-interval", "2", "--min-eval-samples", "30")
    try:
        live.wait_ready()
        _ingest(live)
        yield live
    finally:
        live.stop()


def _ingest(live: LiveServer) -> None:
    rng = random.Random(1)
    now = datetime.now(UTC)
    rows, outcomes = [], []
    for i in range(300):
        actual = round(rng.lognormvariate(9.5, 0.5), 2)
        when = (now - timedelta(seconds=300 - i)).isoformat()
        rows.append({"id": f"a{i}", "model": "loan-amount", "timestamp": when, "prediction": actual * rng.gauss(1.0, 0.15)})
        outcomes.append({"id": f"a{i}", "label": actual})
    fresh = [{"id": f"f{i}", "model": "fresh-amount", "prediction": 1000.0 + i} for i in range(20)]
    for body in ({"task": "regression", "predictions": rows}, {"task": "regression", "predictions": fresh}):
        requests.post(f"{live.url}/api/predictions", json=body, timeout=10).raise_for_status()
    requests.post(f"{live.url}/api/outcomes", json={"outcomes": outcomes}, timeout=10).raise_for_status()

    def evaluated() -> bool:
        body = requests.get(f"{live.url}/api/model_performance", timeout=10).json()
        found = {m["model"]: m["status"] for m in body["models"]}
        return found.get("loan-amount") == "ok" and "fresh-amount" in found

    eventually(evaluated, timeout=60, interval=0.5, message=lambda: f"both regression models evaluated: {live.log()[-2000:]}")


def _choose(page, model: str) -> None:
    select = page.locator(f"#{ids.MODEL_SELECT}")
    expect(select.locator(f"option[value='{model}']")).to_have_count(1)
    select.select_option(model)


def _painted(page, graph_id: str, trace_type: str, model: str) -> None:
    page.wait_for_function(
        f"""() => {{
            const gd = ({GRAPH_DIV})('{graph_id}');
            return !!gd && !!gd._fullData && gd._fullData.some((t) => t.type === '{trace_type}')
                && (gd.querySelector('.gtitle')?.textContent || '').includes('{model}');
        }}"""
    )


def test_a_regression_model_paints_density_residuals_and_cards(page, server):
    page.goto(server.url + "/model")
    expect(page.locator("h2")).to_have_text("Model")
    _choose(page, "loan-amount")
    _painted(page, ids.MODEL_ROC_GRAPH, "histogram2d", "loan-amount")
    density = summary(page, ids.MODEL_ROC_GRAPH)
    assert (density["xtitle"], density["ytitle"]) == ("actual (model's unit)", "predicted (model's unit)")
    total = page.evaluate(f"() => ({GRAPH_DIV})('{ids.MODEL_ROC_GRAPH}')._fullData[0].z.reduce((a, b) => a + b, 0)")
    assert total == 300
    _painted(page, ids.MODEL_PR_GRAPH, "scatter", "loan-amount")
    residuals = summary(page, ids.MODEL_PR_GRAPH)
    assert (residuals["xtitle"], residuals["ytitle"]) == ("time (UTC)", "error (model's unit)")
    page.wait_for_function(
        f"""() => {{
            const gd = ({GRAPH_DIV})('{ids.MODEL_CONFUSION_GRAPH}');
            return !!gd && gd.querySelectorAll('.annotation').length === 4
                && (gd.querySelector('.gtitle')?.textContent || '').includes('300 labelled');
        }}"""
    )
    cards = page.evaluate(f"() => ({GRAPH_DIV})('{ids.MODEL_CONFUSION_GRAPH}').layout.annotations.map((a) => a.name)")
    assert cards == ["MAE (model's unit)", "RMSE (model's unit)", "R²", "bias (mean error) (model's unit)"]


def test_a_regression_model_without_labels_says_so(page, server):
    page.goto(server.url + "/model")
    _choose(page, "fresh-amount")
    for graph_id in GRAPHS:
        page.wait_for_function(
            f"""() => {{
                const gd = ({GRAPH_DIV})('{graph_id}');
                const notes = gd && gd.layout && gd.layout.annotations ? gd.layout.annotations.map((a) => a.text) : [];
                return notes.some((n) => n.startsWith('No labels yet'))
                    && (gd.querySelector('.gtitle')?.textContent || '').endsWith('fresh-amount');
            }}"""
        )
