"""Database page: store charts, the slowest queries, PostgreSQL targets (one real when a server is
at hand, one unreachable), and the data-quality panel with a failing check and its example id."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from dashboard import ids
from tests.browser.charts import wait_drawn
from tests.conftest import LiveServer

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser
PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
DEAD = "dead=host=127.0.0.1 port=1 user=postgres dbname=x"


def _postgres_up() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_DSN, connect_timeout=2):
            return True
    except Exception:  # no driver or no server: the page test still runs with the unreachable target
        return False


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """This module's own live server: database and quality collectors every second, and PostgreSQL targets."""
    targets = ["--watch-postgres", DEAD] + (["--watch-postgres", f"main={PG_DSN}"] if _postgres_up() else [])
    db = tmp_path_factory.mktemp("browser-db") / "live.duckdb"
    live = LiveServer(
        db,
        "--sample-interval",
        "0.5",
        "--refresh-interval",
        "1",
        "--no-demo",
        "--db-stats-interval",
        "1",
        "--quality-interval",
        "1",
        "--postgres-interval",
        "1",
        *targets,
    )
    try:
        live.wait_ready()
        yield live
    finally:
        live.stop()


def _future_prediction(server: LiveServer) -> str:
    stamp = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    body = {
        "predictions": [
            {
                "id": "future-1",
                "timestamp": stamp,
                "model": "ext",
                "features": {"a": 1.0},
                "score": 0.4,
                "predicted_label": 0,
                "status": "ok",
            }
        ]
    }
    response = requests.post(server.url + "/api/predictions", json=body, timeout=10)
    assert response.status_code == 200, response.text
    return "future-1"


def test_database_page_shows_store_charts_targets_and_quality(page, server):
    example = _future_prediction(server)
    page.goto(server.url + "/database")
    expect(page.locator("h2")).to_have_text("Database")

    for graph_id, title, ytitle in (
        (ids.DB_QUERY_GRAPH, "Query latency (p95)", "latency (ms)"),
        (ids.DB_CONNECTIONS_GRAPH, "Store connections", "cursors"),
        (ids.DB_TABLE_SIZE_GRAPH, "Table sizes", "size (bytes)"),
    ):
        chart = wait_drawn(page, graph_id)
        assert (chart["title"], chart["xtitle"], chart["ytitle"]) == (title, "time (UTC)", ytitle)
    scans = wait_drawn(page, ids.DB_SCAN_GRAPH)
    assert {t["name"] for t in scans["traces"]} == {"scanned", "returned"}

    slow = page.locator(f"#{ids.DB_SLOW_TABLE} table tbody tr")
    expect(slow.first).to_be_visible()
    expect(page.locator(f"#{ids.DB_INDEXES} table")).to_contain_text("PRIMARY KEY")

    failing = page.locator(f"#{ids.DB_QUALITY} tr.quality-failing").filter(has_text="timestamp_range")
    expect(failing).to_have_count(1)
    expect(failing.locator("td").nth(2)).to_have_text("FAIL")
    expect(failing.locator("td").nth(4)).to_have_text(example)
    expect(page.locator(f"#{ids.DB_QUALITY} tr.quality-row")).to_have_count(11)

    dead = page.locator(".pg-target").filter(has_text="PostgreSQL dead")
    expect(dead.locator(".status-badge")).to_have_text("DOWN")
    expect(dead.locator(".pg-error")).to_have_text(re.compile("refused", re.I))


def test_a_real_postgres_target_shows_connections_and_cache(page, server):
    if "main=" not in " ".join(server.proc.args):
        pytest.skip(f"no PostgreSQL server at {PG_DSN!r}: `make test` starts a local one when it is installed")
    page.goto(server.url + "/database")
    main = page.locator(".pg-target").filter(has_text="PostgreSQL main")
    expect(main.locator(".status-badge")).to_have_text("UP")
    expect(main).to_contain_text("pg_stat_statements")
    chart = wait_drawn(page, ids.DB_PG_CONNECTIONS_GRAPH)
    assert "main active" in {t["name"] for t in chart["traces"]}
    assert wait_drawn(page, ids.DB_PG_CACHE_GRAPH)["ytitle"] == "%"
