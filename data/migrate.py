"""Versioned schema migrations (data/migrations/NNNN_name.sql), applied in order at start-up.

A migration is never edited once released: add a new file instead. Each runs in its own
transaction together with the bump of `schema_version`, so a crash leaves either the old or
the new schema, never half of one.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from data.clock import utcnow

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def load_migrations(folder: Path = MIGRATIONS_DIR) -> list[tuple[int, str, str]]:
    """(version, description, sql) from files named NNNN_name.sql, in version order; the first
    line of each file is a `-- description` comment."""
    found = []
    for path in sorted(folder.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        sql = path.read_text()
        first = sql.splitlines()[0] if sql else ""
        found.append((int(path.name[:4]), first.removeprefix("--").strip() or path.stem, sql))
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a version number in {folder}")
    return found


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL, description VARCHAR)"
    )
    row = con.execute("SELECT max(version) FROM schema_version").fetchall()[0]
    return int(row[0]) if row and row[0] is not None else 0


def migrate(con: duckdb.DuckDBPyConnection, migrations: list[tuple[int, str, str]] | None = None) -> list[int]:
    """Apply every migration newer than the stored version; return the versions applied."""
    applied = []
    version = current_version(con)
    for number, description, sql in load_migrations() if migrations is None else migrations:
        if number <= version:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_version VALUES (?, ?, ?)", [number, utcnow(), description])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(number)
    return applied
