"""Reading Plotly charts in the page: a dcc.Graph's id holds a div whose `.js-plotly-plot` child
carries Plotly's `data` and `layout`."""

from __future__ import annotations

from typing import Any

# JavaScript: the Plotly graph div of a dcc.Graph id (null until Plotly has drawn it).
GRAPH_DIV = "(id) => document.getElementById(id)?.querySelector('.js-plotly-plot')"

_TRACE_POINTS = f"""
([id, name]) => {{
    const gd = ({GRAPH_DIV})(id);
    const trace = gd && gd.data && gd.data.find((t) => t.name === name);
    return trace && trace.x ? trace.x.length : -1;
}}
"""

_SUMMARY = f"""
(id) => {{
    const gd = ({GRAPH_DIV})(id);
    if (!gd || !gd.data || !gd._fullLayout) return null;
    const text = (sel) => gd.querySelector(sel)?.textContent ?? null;
    return {{
        traces: gd.data.map((t) => ({{name: t.name, points: t.x ? t.x.length : 0}})),
        title: text('.gtitle'), xtitle: text('.xtitle'), ytitle: text('.ytitle'),
        uirevision: gd.layout.uirevision ?? null,
        xrange: gd._fullLayout.xaxis.range.slice(), xautorange: gd._fullLayout.xaxis.autorange,
        // The range as epoch milliseconds: Plotly rewrites date strings ('T' or ' ', digits) as it redraws.
        xrange_ms: gd._fullLayout.xaxis.range.map((v) => gd._fullLayout.xaxis.r2l(v)),
        yrange: gd._fullLayout.yaxis.range.slice(), yautorange: gd._fullLayout.yaxis.autorange,
        // dcc.Graph marks the div pending until Plotly's draw promise settles, and binds its event handlers
        // (relayoutData: zoom) only then: gd.data is set earlier, so "has data" alone is not "drawn".
        pending: gd.classList.contains('dash-graph--pending'),
    }};
}}
"""


def trace_points(page: Any, graph_id: str, trace: str) -> int:
    """Points in the named trace of a chart; -1 while the chart or the trace is not drawn."""
    return page.evaluate(_TRACE_POINTS, [graph_id, trace])


def wait_trace_points(page: Any, graph_id: str, trace: str, more_than: int) -> int:
    """Wait until the named trace has more than `more_than` points; return how many it has."""
    page.wait_for_function(f"(args) => ({_TRACE_POINTS})(args) > {int(more_than)}", arg=[graph_id, trace])
    return trace_points(page, graph_id, trace)


def summary(page: Any, graph_id: str) -> dict[str, Any] | None:
    """Traces (name, points), rendered titles, uirevision and the x-axis range (also in epoch ms)."""
    return page.evaluate(_SUMMARY, graph_id)


def wait_drawn(page: Any, graph_id: str, trace: str | None = None) -> dict[str, Any]:
    """Wait until a chart has data (in `trace`, or in any trace), its axis titles are drawn and Dash has
    finished plotting it (so a zoom made next reaches the app)."""
    page.wait_for_function(
        f"""([id, name]) => {{
            const s = ({_SUMMARY})(id);
            return !!s && !s.pending && !!s.xtitle && !!s.ytitle
                && s.traces.some((t) => (name === null || t.name === name) && t.points > 0);
        }}""",
        arg=[graph_id, trace],
    )
    return summary(page, graph_id)
