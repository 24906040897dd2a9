"""Pure builders for the Database page's tables and panels: plain rows in, components out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from dashboard import ids
from dashboard.components import simple_table, status_badge
from dashboard.format import bytes_text, percent_text

Row = Mapping[str, Any]
USAGE_CLASS = {"unused": "table-danger index-unused", "rare": "table-warning index-rare", "used": ""}


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.2f} ms"


def _count(value: Any) -> str:
    return "–" if value is None else f"{int(value):,}"


def slow_query_table(rows: Sequence[Row]) -> html.Div:
    return simple_table(
        ["query", "duration", "rows", "at (UTC)"],
        [
            (
                r["query"],
                _ms(r["duration_seconds"]),
                _count(r["rows_returned"]),
                r["ts"].strftime("%H:%M:%S") if r.get("ts") else "–",
            )
            for r in rows
        ],
        "No queries recorded in this range yet.",
    )


def table_size_table(rows: Sequence[Row], store: Row | None, retention_lag_seconds: float | None = None) -> html.Div:
    header = html.Div(
        ""
        if store is None
        else f"database file {bytes_text(store.get('db_file_bytes'))}, WAL {bytes_text(store.get('wal_bytes'))}, "
        f"writer queue {_count(store.get('writer_queue_length'))}, last batch {_ms(store.get('writer_last_batch_seconds'))}, "
        f"last checkpoint {store['last_checkpoint'].strftime('%H:%M:%S') if store.get('last_checkpoint') else 'not seen'}, "
        f"retention lag {'no pass yet' if retention_lag_seconds is None else f'{retention_lag_seconds:.0f} s'}",
        className="text-muted small mb-2",
        id=ids.DB_STORE_SUMMARY,
    )
    # No per-table size: DuckDB counts a table's storage blocks only once they are checkpointed (until
    # then "0 B" however many rows it holds) and small tables share blocks, so any figure here was wrong.
    # The file and WAL sizes above are exact. DuckDB keeps an ART index behind each key: they count here.
    body = simple_table(
        ["table", "rows", "keys + indexes"],
        [(r["table_name"], _count(r["row_count"]), _count(r["index_count"])) for r in rows],
        "No table sizes sampled yet.",
    )
    return html.Div([header, body])


def index_table(rows: Sequence[Row]) -> html.Div:
    return simple_table(
        ["table", "kind", "columns"],
        [(r["table_name"], r["kind"], r["columns"]) for r in rows],
        "No indexes or keys: every read scans, pruned only by min/max zonemaps.",
    )


def _index_use_table(indexes: Sequence[Row]) -> html.Div:
    if not indexes:
        return html.Div("No user indexes.", className="text-muted fst-italic")
    head = html.Thead(html.Tr([html.Th(h) for h in ("table", "index", "scans", "size", "use")]))
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(r["table_name"]),
                    html.Td(r["index_name"]),
                    html.Td(_count(r["idx_scan"])),
                    html.Td(bytes_text(r["size_bytes"])),
                    html.Td(r["usage"]),
                ],
                className=USAGE_CLASS.get(r["usage"], ""),
            )
            for r in indexes
        ]
    )
    return dbc.Table([head, body], size="sm", hover=True, className="mb-2")


def _seq_scan_table(tables: Sequence[Row]) -> html.Div:
    return simple_table(
        ["table", "seq scans", "rows read by seq scans", "index scans", "live rows"],
        [
            (
                f"{r['schema_name']}.{r['table_name']}",
                _count(r["seq_scan"]),
                _count(r["seq_tup_read"]),
                _count(r["idx_scan"]),
                _count(r["live_rows"]),
            )
            for r in tables
        ],
        "No user tables.",
    )


def postgres_panel(target: Row) -> dbc.Card:
    """One watched PostgreSQL: status, connections, cache hit ratio, scans, index use, statements."""
    s = target.get("sample") or {}
    status = {"up": "ok", "down": "critical"}.get(target["status"], "unknown")
    facts = (
        []
        if not s.get("up")
        else [
            f"connections {_count(s.get('connections_total'))} / {_count(s.get('max_connections'))}",
            f"cache hit {percent_text(None if s.get('cache_hit_ratio') is None else s['cache_hit_ratio'] * 100)}",
            f"size {bytes_text(s.get('database_size_bytes'))}",
            f"commits {_count(s.get('xact_commit'))}, rollbacks {_count(s.get('xact_rollback'))}",
        ]
    )
    statements = simple_table(
        ["statement", "calls", "mean", "rows"],
        [
            (r["query"][:120], _count(r["calls"]), _ms(r["mean_seconds"]), _count(r["rows_returned"]))
            for r in target.get("statements") or []
        ],
        target.get("statements_note") or "No statements recorded.",
    )
    return dbc.Card(
        [
            dbc.CardHeader(
                [html.Span(f"PostgreSQL {target['target']} ", className="me-2"), status_badge(status, target["status"])]
            ),
            dbc.CardBody(
                [
                    html.Div(target["dsn"], className="text-muted small"),
                    html.Div(s.get("error") or "", className="text-danger small pg-error"),
                    html.Div(" · ".join(facts), className="mb-2"),
                    html.H6("Index use"),
                    _index_use_table(target.get("indexes") or []),
                    html.H6("Sequential vs index scans"),
                    _seq_scan_table(target.get("tables") or []),
                    html.H6("Slowest statements"),
                    statements,
                ]
            ),
        ],
        className="mb-3 pg-target",
    )


def quality_panel(results: Sequence[Row]) -> html.Div:
    """A badge per check; failing ones show their offending count, example id and detail."""
    if not results:
        return html.Div("No data-quality results yet: the checks run every minute.", className="text-muted fst-italic")
    rows = [
        html.Tr(
            [
                html.Td(r["check_name"]),
                html.Td(r["table_name"]),
                html.Td(status_badge("ok" if r["passed"] else "critical", "pass" if r["passed"] else "fail")),
                html.Td(_count(r["offending"])),
                html.Td(r["example_id"] or "–"),
                html.Td(r["detail"]),
            ],
            className="quality-row" + ("" if r["passed"] else " table-danger quality-failing"),
        )
        for r in results
    ]
    head = html.Thead(html.Tr([html.Th(h) for h in ("check", "table", "result", "offending", "example id", "detail")]))
    return dbc.Table([head, html.Tbody(rows)], size="sm", hover=True, className="mb-0")
