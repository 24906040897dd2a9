"""Reads of a watched PostgreSQL server (psycopg 3): connections by state vs max_connections,
transactions, cache hit ratio, database size, per-table scans, per-index use, and the slowest
statements when pg_stat_statements is there. Every call has a short connect and statement timeout."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from data.queries.postgres_catalog import EXTENSION_SQL, INDEXES_SQL, STATEMENTS_SQL, SUMMARY_SQL, TABLES_SQL

if TYPE_CHECKING:
    import psycopg


@dataclass
class TargetReading:
    up: bool
    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    tables: list[tuple] = field(default_factory=list)
    indexes: list[tuple] = field(default_factory=list)  # (..., table's total scans) last
    statements: list[tuple] = field(default_factory=list)
    statements_note: str | None = None


SUMMARY_KEYS = (
    "max_connections",
    "connections_total",
    "connections_active",
    "connections_idle",
    "connections_idle_in_transaction",
    "xact_commit",
    "xact_rollback",
    "cache_hit_ratio",
    "database_size_bytes",
)


def _statements(cur: psycopg.Cursor, limit: int) -> tuple[list[tuple], str | None]:
    import psycopg

    if cur.execute(EXTENSION_SQL).fetchone() is None:
        return [], "not available: the pg_stat_statements extension is not installed in this database"
    try:
        return list(cur.execute(STATEMENTS_SQL, [limit]).fetchall()), None
    except psycopg.Error as exc:  # installed but not in shared_preload_libraries
        return [], f"not available: {str(exc).strip().splitlines()[0]}"


def read_target(dsn: str, timeout_seconds: float, limit: int = 50) -> TargetReading:
    """One poll. Never raises for the target's sake: a failure is a reading with up=False."""
    import psycopg  # here, not at the top: ~9 MB only an app watching a PostgreSQL needs

    # libpq's connect_timeout is whole seconds, at least 2; the statement timeout bounds each query.
    options = f"-c statement_timeout={int(timeout_seconds * 1000)}"
    try:
        with (
            psycopg.connect(
                dsn,
                connect_timeout=max(2, round(timeout_seconds)),
                options=options,
                autocommit=True,
                application_name="predwatch",
            ) as con,
            con.cursor() as cur,
        ):
            summary = dict(zip(SUMMARY_KEYS, cur.execute(SUMMARY_SQL).fetchone() or (), strict=False))
            tables = list(cur.execute(TABLES_SQL, [limit]).fetchall())
            indexes = list(cur.execute(INDEXES_SQL, [limit]).fetchall())
            statements, note = _statements(cur, limit)
            return TargetReading(True, None, summary, tables, indexes, statements, note)
    except (psycopg.Error, OSError) as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        return TargetReading(False, f"{type(exc).__name__}: {message}"[:500])


def redact(dsn: str) -> str:
    """The DSN without a password, for display."""
    import psycopg

    try:
        info = psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "(unparseable DSN)"
    info.pop("password", None)
    return psycopg.conninfo.make_conninfo("", **info)
