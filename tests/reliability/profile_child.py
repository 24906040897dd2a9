"""Child process of test_profile_kill.py: on the given store, adds a batch of predictions, features and
outcomes (some labelling earlier batches late) and refreshes the profiles, over and over, until killed."""

from __future__ import annotations

import sys
from datetime import timedelta

import numpy as np

from data.clock import utcnow
from data.queries import profiles
from data.store import Store
from tests.unit.data.test_profiles import outcomes, predictions


def main(db: str, seed: int) -> None:
    store = Store(db)
    rng = np.random.default_rng(seed)
    earlier: list[str] = []
    for step in range(1_000_000):
        now = utcnow()
        batch = predictions(store, rng, 300, now - timedelta(seconds=150), 150, 0.0, now, prefix=f"k{seed}-{step}-")
        ids = list(batch["id"])
        outcomes(store, ids[::3] + earlier, (rng.random(len(ids[::3]) + len(earlier)) < 0.4).astype(int), now)
        earlier = ids[1::3]  # labelled one batch late
        profiles.refresh(store, utcnow())
        if step == 0:
            print("refreshed", flush=True)  # the parent's kills start from here: never before a first commit


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
