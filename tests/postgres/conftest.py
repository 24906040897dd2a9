"""A real PostgreSQL for the database-target tests: 127.0.0.1:5432, user postgres (trust auth), or
PREDWATCH_TEST_POSTGRES_DSN. `make test` and `.ci/run` start a local server if one is installed but
stopped; without one the tests are skipped with the reason, never silently passed."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

DEFAULT_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"


def _dsn_for(dbname: str) -> str:
    base = os.environ.get("PREDWATCH_TEST_POSTGRES_DSN", DEFAULT_DSN)
    return f"{base} dbname={dbname}"


@pytest.fixture(scope="session")
def postgres_admin_dsn() -> str:
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (requirements.txt)")
    dsn = os.environ.get("PREDWATCH_TEST_POSTGRES_DSN", DEFAULT_DSN)
    try:
        with psycopg.connect(dsn, autocommit=True) as con:
            con.execute("SELECT 1")
    except psycopg.Error as exc:
        pytest.skip(
            f"no PostgreSQL server to test against at {dsn!r} ({' '.join(str(exc).split())[:200]}); "
            "`make test` starts a local one when the postgresql package is installed"
        )
    return dsn


@pytest.fixture
def postgres_db(postgres_admin_dsn: str) -> Iterator[str]:
    """A database of its own for one test (its statistics start at zero), dropped afterwards."""
    import psycopg

    name = f"predwatch_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_admin_dsn, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _dsn_for(name)
    finally:
        with psycopg.connect(postgres_admin_dsn, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
