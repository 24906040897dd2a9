"""The Model page paints each task's figures from the built-in demo alone (no ingest by the test): the
multiclass risk-grade's confusion heatmap over its five grades and F1 per grade, and the regression
loan-amount's predicted-vs-actual density, residuals and figure cards, once their late labels are evaluated."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from dashboard import ids
from tests.browser.charts import GRAPH_DIV, summary
from tests.browser.conftest import SAMPLE_INTERVAL
from tests.conftest import LiveServer
from tests.waiting import eventually

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

GRADES, AMOUNT = "risk-grade", "loan-amount"
READY_SECONDS = 150  # labels arrive 2 s to 2 min after their prediction; 30 labelled rows take ~20 s at 30/s


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Iterator[LiveServer]:
    db = tmp_path_factory.mktemp("demo-tasks") / "live.duckdb"
    live = LiveServer(
        db,
        "--demo",
        "--demo-rate",
        "30",
        "--sample-interval",
        SAMPLE_INTERVAL,
        "--eval-interval",
        "2",
        "--min-eval-samples",
        "30",
        "--models-dir",
        str(models_dir),
    )
    try:
        live.wait_ready()

        def evaluated() -> bool:
            body = requests.get(f"{live.url}/api/model_performance", timeout=10).json()
            found = {m["model"]: m["status"] for m in body["models"]}
            return found.get(GRADES) == "ok" and found.get(AMOUNT) == "ok"

        eventually(evaluated, timeout=READY_SECONDS, interval=1, message=lambda: f"demo models evaluated: {live.log()[-2000:]}")
        yield live
    finally:
        live.stop()


def _choose(page, model: str) -> None:
    select = page.locator(f"#{ids.MODEL_SELECT}")
    expect(select.locator(f"option[value='{model}']")).to_have_count(1)
    select.select_option(model)


def _painted(page, graph_id: str, condition: str, model: str) -> None:
    """Wait until the chart's title names the model and one of its traces meets `condition` (on `t`)."""
    page.wait_for_function(
        f"""() => {{
            const gd = ({GRAPH_DIV})('{graph_id}');
            return !!gd && !!gd._fullData && gd._fullData.some((t) => {condition})
                && (gd.querySelector('.gtitle')?.textContent || '').includes('{model}');
        }}"""
    )


def test_the_demo_multiclass_model_paints_its_confusion_heatmap_and_f1_bars(page, server):
    page.goto(server.url + "/model")
    expect(page.locator("h2")).to_have_text("Model")
    _choose(page, GRADES)
    _painted(page, ids.MODEL_CONFUSION_GRAPH, "t.type === 'heatmap' && t.x.length === 5", GRADES)
    heatmap = page.evaluate(
        f"""() => {{
            const t = ({GRAPH_DIV})('{ids.MODEL_CONFUSION_GRAPH}')._fullData[0];
            return {{x: Array.from(t.x), z: Array.from(t.z, (r) => Array.from(r)), counts: t.customdata}};
        }}"""
    )
    assert sorted(heatmap["x"]) == ["A", "B", "C", "D", "E"]
    assert sum(map(sum, heatmap["counts"])) >= 30  # the demo's own labelled rows
    shares = [sum(row) for row, counts in zip(heatmap["z"], heatmap["counts"], strict=True) if sum(counts)]
    assert all(abs(s - 1) < 1e-9 for s in shares)  # normalised by row
    _painted(page, ids.MODEL_CALIBRATION_GRAPH, "t.type === 'bar' && t._length >= 1", GRADES)
    bars = summary(page, ids.MODEL_CALIBRATION_GRAPH)
    assert (bars["xtitle"], bars["ytitle"]) == ("class", "F1")


def test_the_demo_regression_model_paints_its_density_residuals_and_cards(page, server):
    page.goto(server.url + "/model")
    _choose(page, AMOUNT)
    _painted(page, ids.MODEL_ROC_GRAPH, "t.type === 'histogram2d'", AMOUNT)
    density = summary(page, ids.MODEL_ROC_GRAPH)
    assert (density["xtitle"], density["ytitle"]) == ("actual (model's unit)", "predicted (model's unit)")
    _painted(page, ids.MODEL_PR_GRAPH, "t.type === 'scatter'", AMOUNT)
    page.wait_for_function(f"() => ({GRAPH_DIV})('{ids.MODEL_CONFUSION_GRAPH}')?.querySelectorAll('.annotation').length === 4")
    cards = page.evaluate(f"() => ({GRAPH_DIV})('{ids.MODEL_CONFUSION_GRAPH}').layout.annotations.map((a) => a.name)")
    assert cards == ["MAE (model's unit)", "RMSE (model's unit)", "R²", "bias (mean error) (model's unit)"]
