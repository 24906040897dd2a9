"""A fresh tab loads plotly.js's cartesian bundle only when a page has a chart, never the full bundle,
and the bundle draws every trace type the dashboard's figures use."""

from __future__ import annotations

import re

import pytest

from dashboard import ids
from tests.browser.charts import wait_drawn

pytestmark = pytest.mark.browser

CARTESIAN = "/assets/lazy/plotly-cartesian-"
FULL = "/plotly/package_data/plotly.min.js"

# Each trace type the dashboard's figures draw, plotted into a scratch div: plotly.js marks a type it
# does not know as not visible instead of failing.
DRAWS = """async (kind) => {
    const div = document.createElement('div');
    document.body.appendChild(div);
    const z = [[1, 2], [3, 4]];
    await Plotly.newPlot(div, [kind === 'heatmap' ? {type: kind, z: z} : {type: kind, x: [1, 2], y: [3, 4]}]);
    const drawn = div._fullData[0].visible === true && div._fullData[0].type === kind;
    Plotly.purge(div);
    div.remove();
    return drawn;
}"""


def test_a_chart_page_loads_the_cartesian_bundle_and_it_draws_every_trace_type(page, server) -> None:
    scripts: list[str] = []
    page.on("request", lambda req: scripts.append(req.url) if req.resource_type == "script" else None)
    page.goto(server.url + "/")
    page.locator("#overview-components").wait_for()
    assert not [url for url in scripts if CARTESIAN in url or FULL in url], "the Overview draws no chart: no plotly.js"
    page.locator(f"#{ids.NAVBAR} .navbar-nav a.nav-link", has_text=re.compile("^System$")).click()
    wait_drawn(page, ids.CPU_GRAPH, "total")
    assert [url for url in scripts if CARTESIAN in url], scripts
    assert not [url for url in scripts if FULL in url]
    for kind in ("scatter", "bar", "heatmap"):
        assert page.evaluate(DRAWS, kind), kind
