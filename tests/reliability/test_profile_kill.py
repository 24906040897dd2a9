"""Crash durability of the profiles: a child process adds rows and refreshes the profiles in a loop while
it is SIGKILLed at random moments (mid-refresh among them); the first refresh after the kills (what a
restarted evaluation job does first) leaves profiles equal to a rebuild from the raw rows: no count the
raw rows hold is lost or counted twice."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import numpy as np

from data.clock import utcnow
from data.queries import profiles
from data.store import Store
from tests.conftest import ROOT
from tests.reliability.helpers import LONG
from tests.unit.data.test_profiles import assert_same_profiles, dump, reference

KILLS = 12 if LONG else 3


def test_sigkill_mid_refresh_loses_no_profile_counts(tmp_path) -> None:
    db, rng = tmp_path / "profiles.duckdb", random.Random(5)
    store = Store(db)
    reference(store, np.random.default_rng(5))
    store.close()
    for kill in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.profile_child", str(db), str(kill)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        # Starting Python and the store takes seconds on a loaded host: count from the first commit.
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "refreshed"
        time.sleep(rng.uniform(0.0, 2.5))  # wherever the kill lands, the outcome must be the same
        assert child.poll() is None, "the child stopped before it was killed"
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    store = Store(db)
    try:
        profiles.refresh(store, utcnow())
        incremental = dump(store)
        with store.transaction("seed") as cur:
            for table in profiles.PROFILE_TABLES:
                cur.execute(f"DELETE FROM {table}")
            cur.execute("DELETE FROM rollup_state WHERE name = ?", [profiles.STATE])
        profiles.refresh(store, utcnow())
        rebuilt = dump(store)
        raw = store.fetch_one("t", "SELECT count(*) FROM predictions")[0]
        profiled = store.fetch_one("t", "SELECT sum(n) FROM score_profile")[0]
    finally:
        store.close()
    assert raw > 0
    assert profiled == raw
    assert_same_profiles(incremental, rebuilt)
