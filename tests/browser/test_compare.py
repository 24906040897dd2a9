"""Compare periods in the browser: on a store holding the last hour and the same hour a day earlier,
choosing "1 day earlier" on the Predictions page overlays the earlier hour, shifted onto the current axis."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import numpy as np
import pytest

from bench.seed_history import _us, prediction_chunk
from dashboard import ids
from data.clock import utcnow
from data.store import Store
from data.writer import Writer
from tests.browser.charts import GRAPH_DIV, summary, wait_drawn, wait_trace_points
from tests.browser.conftest import seeded_server
from tests.conftest import LiveServer

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

CHAMPION = "credit-gbm"
EARLIER = f"{CHAMPION} (1 d earlier)"
# The named trace's x values as epoch ms and its customdata (the real earlier times).
_TRACE = f"""([id, name]) => {{
    const gd = ({GRAPH_DIV})(id);
    const t = gd.data.find((d) => d.name === name);
    return {{x: Array.from(t.x).map((v) => gd._fullLayout.xaxis.r2l(v)), customdata: Array.from(t.customdata)}};
}}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live app (no workload) on a store with 800 predictions 40-2 min ago and 800 a day before that."""

    def seed(store: Store) -> None:
        now = utcnow().replace(microsecond=0)
        rng = np.random.default_rng(3)
        for first_id, start in ((0, now - timedelta(minutes=40)), (10_000, now - timedelta(days=1, minutes=40))):
            ts_us = np.sort(_us(start) + rng.integers(0, 38 * 60 * 1_000_000, 800))
            Writer(store).write_arrow(prediction_chunk(rng, first_id, ts_us, np.zeros(800, dtype=bool), 0.0))

    with seeded_server(tmp_path_factory.mktemp("compare") / "compare.duckdb", seed) as live:
        yield live


def test_one_day_earlier_overlays_the_earlier_hour_on_the_current_axis(page, server):
    page.goto(f"{server.url}/predictions?range=1h")
    wait_drawn(page, ids.THROUGHPUT_GRAPH, CHAMPION)
    assert not [t for t in summary(page, ids.THROUGHPUT_GRAPH)["traces"] if "earlier" in t["name"]]
    page.select_option(f"#{ids.PRED_COMPARE}", label="1 day earlier")
    assert wait_trace_points(page, ids.THROUGHPUT_GRAPH, EARLIER, 0) > 5
    for graph_id, name in (
        (ids.LATENCY_GRAPH, f"{CHAMPION} p95 (1 d earlier)"),
        (ids.SUCCESS_GRAPH, f"{CHAMPION} success (1 d earlier)"),
        (ids.ERROR_GRAPH, "error rate (1 d earlier)"),
    ):
        wait_trace_points(page, graph_id, name, 0)
    trace = page.evaluate(_TRACE, [ids.THROUGHPUT_GRAPH, EARLIER])
    lo = (utcnow() - timedelta(hours=1, minutes=1) - datetime(1970, 1, 1)).total_seconds() * 1000
    assert min(trace["x"]) > lo, "the earlier hour is drawn on the current hour's axis"
    real = datetime.fromisoformat(trace["customdata"][0])
    shown = datetime(1970, 1, 1) + timedelta(milliseconds=trace["x"][0])
    assert shown - real == timedelta(days=1), "the hover carries the real time, a day before where it is drawn"
    expect(page.locator(f"#{ids.PRED_COMPARE_NOTE}")).to_contain_text("vs")
    expect(page.locator(f"#{ids.PRED_COMPARE_NOTE}")).to_contain_text("1 d earlier")
    page.select_option(f"#{ids.PRED_COMPARE}", label="1 week earlier")  # nothing stored a week back
    page.wait_for_function(f"() => ({GRAPH_DIV})('{ids.THROUGHPUT_GRAPH}').layout.title.text.includes('No data 1 wk earlier')")
    assert not [t for t in summary(page, ids.THROUGHPUT_GRAPH)["traces"] if "earlier" in t["name"]]
