"""Model and Drift pages against a live Predwatch running its built-in workload with a short
evaluation interval. Labels for recent predictions of both models are posted through the API (the
workload's own arrive over two minutes), so both models' curves appear quickly."""

from __future__ import annotations

import random
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

MODELS = ("credit-gbm", "credit-logreg")
READY_SECONDS = 120
# graph id -> (title prefix, x-axis title, y-axis title)
MODEL_CHARTS = {
    ids.MODEL_ROC_GRAPH: ("ROC curve", "false positive rate", "true positive rate"),
    ids.MODEL_PR_GRAPH: ("Precision-recall curve", "recall", "precision"),
    ids.MODEL_CONFUSION_GRAPH: ("Confusion matrix", "predicted label", "true label"),
    ids.MODEL_CALIBRATION_GRAPH: ("Calibration", "mean predicted score", "observed positive rate"),
    ids.MODEL_QUALITY_GRAPH: ("Quality over time", "time (UTC)", "value (0-1)"),
    ids.MODEL_ESTIMATE_GRAPH: ("Estimated vs realized", "time (UTC)", "value (0-1)"),
    ids.MODEL_IMPORTANCE_TIME_GRAPH: ("Importance over time", "time (UTC)", "importance"),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Iterator[LiveServer]:
    db = tmp_path_factory.mktemp("model") / "live.duckdb"
    live = LiveServer(
        db,
        "--demo",
        "--demo-rate",
        "30",
        "--sample-interval",
        SAMPLE_INTERVAL,
        "--refresh-interval",
        "2",
        "--eval-interval",
        "2",
        "--min-eval-samples",
        "30",
        "--models-dir",
        str(models_dir),
    )
    try:
        live.wait_ready()
        _label_until_evaluated(live)
        yield live
    finally:
        live.stop()


def _label_until_evaluated(live: LiveServer) -> None:
    """Post outcomes for pending predictions of both models until both have an 'ok' evaluation."""
    rng = random.Random(0)

    def labelled_and_evaluated() -> bool:
        for model in MODELS:
            rows = requests.get(
                f"{live.url}/api/recent_predictions", params={"model": model, "status": "pending", "limit": 500}, timeout=10
            ).json()
            outcomes = [{"id": r["id"], "label": int(rng.random() < r["score"])} for r in rows["predictions"]]
            if outcomes:
                requests.post(f"{live.url}/api/outcomes", json={"outcomes": outcomes}, timeout=10).raise_for_status()
        body = requests.get(f"{live.url}/api/model_performance", timeout=10).json()
        return set(MODELS) <= {m["model"] for m in body["models"] if m["status"] == "ok"}  # the demo has other models too

    eventually(
        labelled_and_evaluated,
        timeout=READY_SECONDS,
        interval=1,
        message=lambda: f"an evaluation of both models: {live.log()[-2000:]}",
    )


def wait_typed(page, graph_id: str, kind: str) -> dict:
    """Wait until a chart has a non-empty trace of `kind` and axis titles (numeric columns travel as
    typed arrays, which charts.wait_drawn does not count, so count plotly.js's own lengths)."""
    page.wait_for_function(
        f"""([id, kind]) => {{
            const gd = ({GRAPH_DIV})(id);
            return !!gd && !!gd._fullData && gd._fullData.some((t) => t.type === kind && (t._length > 0 || t.z))
                && !!gd.querySelector('.xtitle') && !!gd.querySelector('.ytitle');
        }}""",
        arg=[graph_id, kind],
    )
    return summary(page, graph_id)


def test_model_page_draws_both_models_curves_and_every_chart(page, server):
    page.goto(server.url + "/model")
    expect(page.locator("h2")).to_have_text("Model")
    page.wait_for_function(
        f"""() => {{
            const gd = ({GRAPH_DIV})('{ids.MODEL_ROC_GRAPH}');
            const names = gd && gd.data ? gd.data.map((t) => t.name) : [];
            return {list(MODELS)}.every((m) => names.some((n) => n.startsWith(m + ' (AUC 0.')));
        }}"""
    )
    for graph_id, (title, xtitle, ytitle) in MODEL_CHARTS.items():
        chart = wait_typed(page, graph_id, "heatmap" if graph_id == ids.MODEL_CONFUSION_GRAPH else "scatter")
        assert chart["title"].startswith(title), graph_id
        assert (chart["xtitle"], chart["ytitle"]) == (xtitle, ytitle), graph_id
    bars = wait_typed(page, ids.MODEL_IMPORTANCE_GRAPH, "bar")
    assert bars["xtitle"] == "importance"
    assert {t["name"] for t in bars["traces"]} >= {"permutation (AUC drop)"}
    expect(page.locator(f"#{ids.MODEL_SUMMARY}")).to_contain_text("labelled")


def test_drift_page_heatmap_table_distribution_and_score(page, server):
    page.goto(server.url + "/drift")
    expect(page.locator("h2")).to_have_text("Drift")
    # The 15 m window, not the default "since the last evaluation" (2 s here): on a loaded host the workload
    # may not put --min-eval-samples rows per model into 2 s, and the heatmap then rightly says so instead.
    window = page.locator(f"#{ids.DRIFT_WINDOW}")
    expect(window.locator("option[value='15m']")).to_have_count(1)
    window.select_option("15m")
    heatmap = wait_typed(page, ids.DRIFT_HEATMAP_GRAPH, "heatmap")
    assert (heatmap["xtitle"], heatmap["ytitle"]) == ("time (UTC)", "feature")
    rows = page.locator(f"#{ids.DRIFT_TABLE} tbody tr")
    expect(rows).to_have_count(12)
    expect(rows.first.locator(".status-badge")).to_have_count(1)
    score = wait_typed(page, ids.DRIFT_SCORE_GRAPH, "scatter")
    assert score["title"] == "Score drift"
    select = page.locator(f"#{ids.DRIFT_FEATURE}")
    expect(select.locator("option[value='income']")).to_have_count(1)
    select.select_option("income")
    page.wait_for_function(
        f"() => ({GRAPH_DIV})('{ids.DRIFT_DISTRIBUTION_GRAPH}')?.querySelector('.gtitle')?.textContent === 'Distribution: income'"
    )
    overlay = wait_typed(page, ids.DRIFT_DISTRIBUTION_GRAPH, "bar")
    assert overlay["xtitle"] == "income (value)"
    assert {t["name"] for t in overlay["traces"]} == {"reference", "current window"}


def test_drift_page_paints_the_multivariate_error_inside_its_band(page, server):
    page.goto(server.url + "/drift")
    expect(page.locator("h2")).to_have_text("Drift")
    page.locator(f"#{ids.DRIFT_WINDOW}").select_option("15m")
    chart = wait_typed(page, ids.DRIFT_MULTIVARIATE_GRAPH, "scatter")
    assert chart["title"] == "Multivariate drift (PCA reconstruction error)"
    assert (chart["xtitle"], chart["ytitle"]) == ("time (UTC)", "mean squared error (standardised)")
    assert {"reconstruction error", "reference band (mean +- 3 sd)"} <= {t["name"] for t in chart["traces"]}
