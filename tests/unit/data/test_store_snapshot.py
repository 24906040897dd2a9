"""Store.snapshot: every read of one answer sees one state, whatever another thread commits meanwhile."""

from __future__ import annotations

import threading

from data.store import Store


def test_reads_inside_a_snapshot_do_not_see_a_commit_made_meanwhile(tmp_path) -> None:
    store = Store(tmp_path / "snap.duckdb")
    try:

        def count() -> int:
            return store.fetch_one("t", "SELECT count(*) FROM rollup_state")[0]

        def write() -> None:
            with store.transaction("seed") as cur:
                cur.execute("INSERT INTO rollup_state VALUES ('snapshot-test', NULL, now())")

        before = count()
        with store.snapshot():
            first = count()
            writer = threading.Thread(target=write)
            writer.start()
            writer.join()
            assert count() == first == before  # committed, but after this snapshot began
        assert count() == before + 1
    finally:
        store.close()
