"""`compact` rewrites the file without the blocks retention freed: smaller, every row and object kept,
and it refuses a file that is open."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from bench.seed_history import _us, system_chunk
from cli.compact import compact_command
from data.clock import utcnow
from data.compact import compact
from data.connection import StoreLockedError
from data.retention import RetentionPolicy, run_pass
from data.store import Store
from data.writer import Writer

DAYS = 3


def _counts(store: Store) -> dict[str, int]:
    tables = [r[0] for r in store.fetch_all("t", "SELECT table_name FROM duckdb_tables() ORDER BY 1")]
    return {t: store.fetch_one("t", f'SELECT count(*) FROM "{t}"')[0] for t in tables}


@pytest.fixture
def trimmed(tmp_path: Path) -> tuple[Path, dict[str, int], int]:
    """A store that held three days of 1 s system samples, of which retention deleted the two oldest."""
    db = tmp_path / "p.duckdb"
    store = Store(db)
    now = utcnow().replace(microsecond=0)
    Writer(store).write_arrow(
        {"system_samples": system_chunk(np.random.default_rng(1), _us(now - timedelta(days=DAYS)), DAYS * 86_400)}
    )
    run_pass(store, RetentionPolicy(system_hours=24), now)
    counts, indexes = _counts(store), store.fetch_one("t", "SELECT count(*) FROM duckdb_indexes()")[0]
    store.close()
    return db, counts, indexes


def test_compact_shrinks_the_file_and_keeps_every_row(trimmed) -> None:
    db, counts, indexes = trimmed
    result = compact(db)
    assert result.bytes_after == db.stat().st_size
    assert result.bytes_after < result.bytes_before / 2, result
    assert not db.with_name(db.name + ".compact").exists()
    store = Store(db)  # migrations see an up-to-date schema and do nothing
    try:
        assert _counts(store) == counts
        assert counts["system_samples"] == pytest.approx(86_400, abs=2)
        assert store.fetch_one("t", "SELECT count(*) FROM duckdb_indexes()")[0] == indexes
    finally:
        store.close()


def test_compact_refuses_a_file_that_is_open(trimmed, capsys) -> None:
    db, _, _ = trimmed
    store = Store(db)
    try:
        with pytest.raises(StoreLockedError):
            compact(db)
        assert compact_command(["--db", str(db)]) == 2
        assert "stop that server first" in capsys.readouterr().err
    finally:
        store.close()
    assert compact_command(["--db", str(db)]) == 0
    assert "MB ->" in capsys.readouterr().out
