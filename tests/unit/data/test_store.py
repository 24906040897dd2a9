"""The store: migrations, cursors per thread, transactions, the lock error."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from data.connection import StoreLockedError
from data.migrate import current_version, load_migrations, migrate
from data.store import Store
from tests.waiting import eventually

HOLD_LOCK = "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('locked', flush=True); time.sleep(60)"


def test_fresh_store_applies_every_migration_once(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.duckdb")
    assert store.applied_migrations == [m[0] for m in load_migrations()]
    assert store.applied_migrations[:2] == [1, 2]
    store.close()
    again = Store(tmp_path / "a.duckdb")
    assert again.applied_migrations == []
    tables = {r[0] for r in again.fetch_all("t", "SELECT table_name FROM information_schema.tables")}
    assert {"system_samples", "disk_samples", "process_samples", "schema_version"} <= tables
    again.close()


def test_failed_migration_leaves_the_old_version(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "b.duckdb"))
    migrate(con)
    before = current_version(con)
    bad = load_migrations() + [(before + 1, "broken", "CREATE TABLE half (x INTEGER); SELECT no_such_column FROM half;")]
    with pytest.raises(duckdb.Error):
        migrate(con, bad)
    assert current_version(con) == before
    assert con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'half'").fetchone()[0] == 0


def test_each_thread_gets_its_own_cursor_and_active_count_tracks_use(tmp_path: Path) -> None:
    store = Store(tmp_path / "c.duckdb")
    seen, inside, release = [], threading.Event(), threading.Event()

    def work() -> None:
        with store.cursor() as cur:
            seen.append(id(cur))
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=work)
    thread.start()
    assert inside.wait(5)
    assert store.active_cursors == 1
    with store.cursor() as mine:
        assert store.active_cursors == 2
        assert id(mine) not in seen
    release.set()
    thread.join()
    assert store.active_cursors == 0
    assert store.pool_size == 2
    store.close()


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    store = Store(tmp_path / "d.duckdb")
    with pytest.raises(RuntimeError):
        with store.transaction("seed") as cur:
            cur.execute("INSERT INTO process_samples (ts, name, up) VALUES (now()::TIMESTAMP, 'x', true)")
            raise RuntimeError("abort")
    assert store.fetch_one("n", "SELECT count(*) FROM process_samples")[0] == 0
    store.close()


def test_locked_database_names_the_holding_pid(tmp_path: Path) -> None:
    path = tmp_path / "e.duckdb"
    Store(path).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreLockedError) as info:
            Store(path)
        assert info.value.pid == holder.pid
        assert str(info.value) == f"database {path} is in use by process PID {holder.pid}"
    finally:
        holder.kill()
        holder.wait()
    eventually(lambda: _opens(path), timeout=60, message="the lock going with the process")


def _opens(path: Path) -> bool:
    try:
        Store(path).close()
        return True
    except StoreLockedError:
        return False


def test_migration_files_are_numbered_without_gaps() -> None:
    versions = [v for v, _, _ in load_migrations()]
    assert versions == list(range(1, len(versions) + 1))
