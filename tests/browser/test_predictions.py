"""Predictions page against a live Predwatch running its built-in workload: the charts fill, the
grid shows recent predictions, the model and status filters narrow it, and the demo's error
burst switch makes model errors appear (and stops them)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from dashboard import ids
from tests.browser.charts import GRAPH_DIV, summary, wait_drawn
from tests.browser.conftest import SAMPLE_INTERVAL
from tests.conftest import LiveServer

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

CHAMPION, CHALLENGER = "credit-gbm", "credit-logreg"
# The workload's default rate and the app's default refresh: this page runs six queries and builds
# five figures per refresh; the refresh gate (assets/refresh-gate.js) keeps a slow answer from being
# dropped, and the defaults keep a loaded CI machine from refreshing at the pace of its slowest answer.
DEMO_RATE, REFRESH_INTERVAL = "20", "2"
# graph id -> (title, x-axis title, y-axis title), as dashboard/figures_predictions.py draws them with data.
CHARTS = {
    ids.THROUGHPUT_GRAPH: ("Throughput", "time (UTC)", "requests/s"),
    ids.ERROR_GRAPH: ("Errors by kind", "time (UTC)", "% of requests"),
    ids.LATENCY_GRAPH: ("Latency percentiles", "time (UTC)", "latency (ms)"),
    ids.LATENCY_HISTOGRAM_GRAPH: ("Latency distribution", "latency (ms)", "requests"),
    ids.SUCCESS_GRAPH: ("Success rate as labels arrive", "time (UTC)", "%"),
}
# JavaScript: every row the grid holds (all pages), or null before the grid is ready.
GRID_ROWS = """(id) => {
    try {
        const rows = [];
        window.dash_ag_grid.getApi(id).forEachNode((node) => rows.push(node.data));
        return rows;
    } catch (e) { return null; }
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Iterator[LiveServer]:
    """This module's own Predwatch, with the built-in workload on (the shared one runs --no-demo)."""
    db = tmp_path_factory.mktemp("predictions") / "live.duckdb"
    live = LiveServer(
        db,
        "--demo",
        "--demo-rate",
        DEMO_RATE,
        "--sample-interval",
        SAMPLE_INTERVAL,
        "--refresh-interval",
        REFRESH_INTERVAL,
        "--models-dir",
        str(models_dir),
    )
    try:
        live.wait_ready()
        yield live
    finally:
        live.stop()


def wait_bars(page, graph_id: str) -> dict:
    """Wait until a bar chart has bars and axis titles. Its x values travel as a typed array
    (plotly's base64 `bdata`), which charts.wait_drawn does not count, so count plotly.js's own."""
    page.wait_for_function(
        f"""(id) => {{
            const gd = ({GRAPH_DIV})(id);
            return !!gd && !!gd._fullData && gd._fullData.some((t) => t.type === 'bar' && t._length > 0)
                && !!gd.querySelector('.xtitle') && !!gd.querySelector('.ytitle');
        }}""",
        arg=graph_id,
    )
    return summary(page, graph_id)


def wait_grid(page, predicate: str) -> list[dict]:
    """Wait until the grid holds rows and `predicate` (JS, over `rows`) holds for them; return them."""
    page.wait_for_function(
        f"(id) => {{ const rows = ({GRID_ROWS})(id); return !!rows && rows.length > 0 && ({predicate}); }}", arg=ids.PRED_GRID
    )
    return page.evaluate(GRID_ROWS, ids.PRED_GRID)


def choose(page, select_id: str, value: str) -> None:
    select = page.locator(f"#{select_id}")
    expect(select.locator(f"option[value='{value}']")).to_have_count(1)
    select.select_option(value)
    expect(select).to_have_value(value)


def wait_demo_state(page, switch: str, on: bool) -> None:
    """Wait until GET /api/demo reports the switch in that position (the server, not just the page)."""
    page.wait_for_function(
        "async ([name, on]) => (await (await fetch('/api/demo')).json())[name] === on", arg=[switch, on], polling=250
    )


def demo_state(server: LiveServer) -> dict[str, bool]:
    return requests.get(server.url + "/api/demo", timeout=5).json()


def test_charts_fill_and_the_grid_shows_recent_predictions(page, server):
    page.goto(server.url + "/predictions")
    expect(page.locator("h2")).to_have_text("Predictions")

    for graph_id, expected in CHARTS.items():
        chart = wait_bars(page, graph_id) if graph_id == ids.LATENCY_HISTOGRAM_GRAPH else wait_drawn(page, graph_id)
        assert (chart["title"], chart["xtitle"], chart["ytitle"]) == expected, graph_id
        assert chart["uirevision"] == "15m:all", f"{graph_id}: live charts keep the zoom (uirevision)"
    names = {t["name"] for t in wait_drawn(page, ids.THROUGHPUT_GRAPH, CHALLENGER)["traces"]}
    assert {CHAMPION, CHALLENGER} <= names

    rows = wait_grid(page, "rows.length >= 20")
    assert {r["model"] for r in rows} <= {CHAMPION, CHALLENGER, "loan-amount", "risk-grade"}  # the regression and multiclass too
    assert {r["status"] for r in rows} <= {"success", "failure", "pending", "error"}
    expect(page.locator(f"#{ids.PRED_GRID_NOTE}")).to_have_text(re.compile(r"^The \d+ newest predictions"))
    first = page.locator(f"#{ids.PRED_GRID} .ag-center-cols-container .ag-row").first
    expect(first).to_have_class(re.compile(r"\bpw-status-(success|failure|pending|error)\b"))


def test_overview_shows_prediction_kpis(page, server):
    page.goto(server.url + "/")
    cards = page.locator(f"#{ids.KPI_CARDS} .kpi-card")
    expect(cards.locator(".kpi-title")).to_have_text(
        ["CPU", "Memory", "Disk", "Writer queue", "Request rate", "Avg latency", "Error rate", "Success rate"], ignore_case=True
    )
    values = cards.locator(".kpi-value")
    expect(values.nth(4)).to_have_text(re.compile(r"^\d+(\.\d)?/s$"))
    expect(values.nth(5)).to_have_text(re.compile(r"^\d+ ms$"))
    expect(values.nth(6)).to_have_text(re.compile(r"^\d+(\.\d)? %$"))


def test_model_and_status_filters_narrow_the_grid(page, server):
    page.goto(server.url + "/predictions")
    wait_grid(page, "rows.some((r) => r.model === 'credit-gbm')")

    choose(page, ids.PRED_MODEL, CHALLENGER)
    rows = wait_grid(page, f"rows.every((r) => r.model === '{CHALLENGER}')")
    assert len(rows) >= 10
    # The charts follow the model too, each with its own zoom memory (uirevision: range and model).
    page.wait_for_function(f"(id) => ({GRAPH_DIV})(id)?.layout?.uirevision === '15m:{CHALLENGER}'", arg=ids.THROUGHPUT_GRAPH)
    names = {t["name"] for t in wait_drawn(page, ids.THROUGHPUT_GRAPH, CHALLENGER)["traces"]}
    assert CHALLENGER in names, names
    assert CHAMPION not in names, names

    choose(page, ids.PRED_MODEL, CHAMPION)
    choose(page, ids.PRED_STATUS, "pending")
    wait_grid(page, f"rows.every((r) => r.model === '{CHAMPION}' && r.status === 'pending')")
    pending = page.locator(f"#{ids.PRED_GRID} .ag-center-cols-container .ag-row").first
    expect(pending).to_have_class(re.compile(r"\bpw-status-pending\b"))

    # Labels arrive 2 s to 2 min after a prediction, so successes show up within seconds.
    choose(page, ids.PRED_STATUS, "success")
    wait_grid(page, f"rows.every((r) => r.model === '{CHAMPION}' && r.status === 'success' && r.label !== null)")
    cell = page.locator(f"#{ids.PRED_GRID} .ag-center-cols-container .ag-row .pw-status-cell").first
    expect(cell).to_have_text("success")
    expect(cell).to_have_css("color", "rgb(25, 135, 84)")


def test_error_burst_switch_makes_model_errors_appear(page, server):
    page.goto(server.url + "/predictions")
    burst = page.get_by_label("Error burst")
    expect(burst).not_to_be_checked()
    choose(page, ids.PRED_STATUS, "error")

    burst.check()
    wait_demo_state(page, "error_burst", True)
    rows = wait_grid(page, "rows.some((r) => r.error_kind === 'model_error')")
    assert all(r["status"] == "error" for r in rows), "the status filter shows errors only"
    error_row = page.locator(f"#{ids.PRED_GRID} .ag-center-cols-container .ag-row.pw-status-error").first
    expect(error_row.locator(".pw-status-cell")).to_have_css("color", "rgb(253, 126, 20)")
    assert "model_error" in {t["name"] for t in wait_drawn(page, ids.ERROR_GRAPH, "model_error")["traces"]}

    expect(burst).to_be_checked()  # a refresh shows the server's state: still on
    burst.uncheck()
    wait_demo_state(page, "error_burst", False)
    expect(burst).not_to_be_checked()
    assert demo_state(server) == {"input_drift": False, "concept_drift": False, "load_spike": False, "error_burst": False}
