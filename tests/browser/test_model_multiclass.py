"""Model page for multiclass models ingested through the API into a live Predwatch (no demo): the confusion
matrix paints as a heatmap normalised by row with named axes and counts on hover, F1 per class as bars,
and a multiclass model without labels says "No labels yet" in both cards."""

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

CLASSES = ["A", "B", "C", "D", "E"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db = tmp_path_factory.mktemp("multiclass") / "live.duckdb"
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
        true = rng.choice(CLASSES)
        predicted = true if rng.random() < 0.7 else rng.choice(CLASSES)
        when = (now - timedelta(seconds=300 - i)).isoformat()
        rows.append({"id": f"g{i}", "model": "grades", "timestamp": when, "predicted_label": predicted})
        outcomes.append({"id": f"g{i}", "label": true})
    fresh = [{"id": f"f{i}", "model": "fresh-grades", "predicted_label": "A"} for i in range(20)]
    for body in ({"task": "multiclass", "predictions": rows}, {"task": "multiclass", "predictions": fresh}):
        requests.post(f"{live.url}/api/predictions", json=body, timeout=10).raise_for_status()
    requests.post(f"{live.url}/api/outcomes", json={"outcomes": outcomes}, timeout=10).raise_for_status()

    def evaluated() -> bool:
        body = requests.get(f"{live.url}/api/model_performance", timeout=10).json()
        found = {m["model"]: m["status"] for m in body["models"]}
        return found.get("grades") == "ok" and "fresh-grades" in found

    eventually(evaluated, timeout=60, interval=0.5, message=lambda: f"both multiclass models evaluated: {live.log()[-2000:]}")


def _choose(page, model: str) -> None:
    select = page.locator(f"#{ids.MODEL_SELECT}")
    expect(select.locator(f"option[value='{model}']")).to_have_count(1)
    select.select_option(model)


def test_a_multiclass_model_paints_its_confusion_heatmap_and_f1_bars(page, server):
    page.goto(server.url + "/model")
    expect(page.locator("h2")).to_have_text("Model")
    _choose(page, "grades")
    page.wait_for_function(
        f"""() => {{
            const gd = ({GRAPH_DIV})('{ids.MODEL_CONFUSION_GRAPH}');
            return !!gd && !!gd._fullData && gd._fullData.some((t) => t.type === 'heatmap' && t.x.length === 5)
                && (gd.querySelector('.gtitle')?.textContent || '').endsWith('grades');
        }}"""
    )
    heatmap = page.evaluate(
        f"""() => {{
            const t = ({GRAPH_DIV})('{ids.MODEL_CONFUSION_GRAPH}')._fullData[0];
            return {{x: Array.from(t.x), z: Array.from(t.z, (r) => Array.from(r)), counts: t.customdata, hover: t.hovertemplate}};
        }}"""
    )
    assert heatmap["x"] == CLASSES
    assert all(abs(sum(row) - 1) < 1e-9 for row in heatmap["z"])  # normalised by row
    assert sum(map(sum, heatmap["counts"])) == 300 and "rows" in heatmap["hover"]
    chart = summary(page, ids.MODEL_CONFUSION_GRAPH)
    assert (chart["xtitle"], chart["ytitle"]) == ("predicted class", "true class")
    page.wait_for_function(
        f"""() => {{
            const gd = ({GRAPH_DIV})('{ids.MODEL_CALIBRATION_GRAPH}');
            return !!gd && !!gd._fullData && gd._fullData.some((t) => t.type === 'bar' && t._length === 5);
        }}"""
    )
    bars = summary(page, ids.MODEL_CALIBRATION_GRAPH)
    assert bars["title"] == "F1 per class: grades" and (bars["xtitle"], bars["ytitle"]) == ("class", "F1")


def test_a_multiclass_model_without_labels_says_so(page, server):
    page.goto(server.url + "/model")
    _choose(page, "fresh-grades")
    for graph_id in (ids.MODEL_CONFUSION_GRAPH, ids.MODEL_CALIBRATION_GRAPH):
        page.wait_for_function(
            f"""() => {{
                const gd = ({GRAPH_DIV})('{graph_id}');
                const notes = gd && gd.layout && gd.layout.annotations ? gd.layout.annotations.map((a) => a.text) : [];
                return notes.some((n) => n.startsWith('No labels yet'))
                    && (gd.querySelector('.gtitle')?.textContent || '').endsWith('fresh-grades');
            }}"""
        )
