"""The database collector on a real temporary store: query stats, pool, sizes, scans, checkpoints."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from collectors.database import DatabaseCollector, QualityCollector, quality_config
from data.queries.database import parse_profile
from data.store import Store
from data.writer import Writer
from settings import Settings
from state.databases import DatabaseState
from tests.unit.collectors.quality_data import NOW, clean_frames, load

COPIES = 40  # 240 predictions x 40 = 9,600 rows


@pytest.fixture
def store(store: Store):
    s = store  # the shared empty store, seeded here
    frames = clean_frames()
    load(s, {k: pd.concat([v.assign(id=v["id"] + f"-{i}") for i in range(COPIES)], ignore_index=True) for k, v in frames.items()})
    return s


def _checkpoint(store: Store) -> None:
    with store.cursor() as cur:
        cur.execute("CHECKPOINT")


def test_one_pass_stores_query_stats_pool_and_table_sizes(store):
    _checkpoint(store)
    for _ in range(3):
        store.fetch_all("test.named", "SELECT count(*) FROM predictions")
    collector = DatabaseCollector(store, Writer(store), DatabaseState(), interval=60)
    rows = collector.collect(NOW)
    stats = {r[1]: r for r in rows["db_query_stats"]}
    assert stats["test.named"][3] == 3  # calls
    assert stats["test.named"][8] == 3  # rows returned
    assert stats["test.named"][2] == 60  # window seconds of the first pass
    sample = rows["db_samples"][0]
    assert sample[3] >= 1  # pool size
    assert sample[6] >= 3  # queries so far
    tables = {r[1]: r for r in rows["db_table_stats"]}
    assert tables["predictions"][2] == 9600
    assert tables["predictions"][3] > 0
    assert tables["prediction_features"][2] == 19200
    assert {r[1] for r in rows["db_slow_queries"]} >= {"test.named"}
    assert collector.state.tables
    assert collector.state.tables[0]["table_name"]


def test_key_queries_report_rows_scanned_vs_returned(store):
    _checkpoint(store)
    scans = {r[1]: r for r in DatabaseCollector(store, Writer(store), DatabaseState()).collect(NOW)["db_scan_samples"]}
    by_id = scans["scan.prediction_by_id"]
    assert by_id[3] == 1
    assert by_id[2] <= 1
    assert "Index Scan" in by_id[5]
    assert by_id[4] == 9600
    # A deliberate whole-table scan for a handful of rows shows as thousands scanned per row returned.
    returned, profile = store.profile("test.full_scan", "SELECT id FROM predictions WHERE hash(id) % ? = 0", [1000])
    scanned, seconds, kinds = parse_profile(profile)
    assert scanned == 9600
    assert returned < 50
    assert seconds > 0
    assert "Sequential Scan" in kinds


def test_a_checkpoint_is_noticed_when_the_wal_shrinks(store):
    collector = DatabaseCollector(store, Writer(store), DatabaseState())
    first = collector.collect(NOW)["db_samples"][0]
    assert first[8] > 0  # WAL bytes
    assert first[9] is None  # no checkpoint seen yet
    _checkpoint(store)
    later = NOW + timedelta(minutes=1)
    second = collector.collect(later)
    assert second["db_samples"][0][9] == later
    assert second["db_query_stats"][0][2] == 60.0  # window since the previous pass


def test_quality_collector_rows_and_state(store, tmp_path):
    state = DatabaseState()
    collector = QualityCollector(store, state, quality_config(Settings(db=tmp_path / "x.duckdb")))
    rows = collector.collect(NOW)["quality_checks"]
    assert len(rows) == len(state.quality) == 11
    assert all(r[0] == NOW and isinstance(r[3], bool) for r in rows)
