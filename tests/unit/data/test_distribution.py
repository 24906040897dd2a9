"""The Drift page's distribution chart from the per-minute profiles against the same chart from the raw
rows (the oracle): the reference shares are the same reads of the reference sample; the current shares
differ only where a value between two neighbouring reference values is drawn at their middle."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from data.queries import model_views as mv
from data.queries import profiles
from data.store import Store
from tests.unit.data.test_profiles import FEATURES, MODEL, NOW, predictions, reference


@pytest.mark.parametrize("shift", [0.0, 0.3])
def test_profile_distribution_matches_the_raw_rows(store: Store, shift: float) -> None:
    rng = np.random.default_rng(21)
    reference(store, rng)
    predictions(store, rng, 3000, NOW - timedelta(minutes=10), 540, shift, NOW)
    profiles.refresh(store, NOW)
    since = NOW - timedelta(minutes=15)
    for feature in [*FEATURES, "__score__"]:
        found = mv.distribution(store, MODEL, feature, since, NOW)
        raw = mv.distribution_raw(store, MODEL, feature, since, NOW)
        assert len(found) > 1, feature
        assert found["current_share"].sum() == pytest.approx(1.0), feature
        merged = found.merge(raw, on=["bin_start", "bin_end"], how="outer", suffixes=("", "_raw")).fillna(0.0)
        assert np.allclose(merged["reference_share"], merged["reference_share_raw"], atol=1e-12), feature
        # a value strictly between two reference values may be drawn one bin over: a few rows of 3,000
        assert np.abs(merged["current_share"] - merged["current_share_raw"]).sum() <= 0.02, feature


def test_no_profile_minutes_no_current_share(store: Store) -> None:
    reference(store, np.random.default_rng(22))
    found = mv.distribution(store, MODEL, "income", NOW - timedelta(minutes=15), NOW)
    assert (found["current_share"] == 0).all()
    assert found["reference_share"].sum() == pytest.approx(1.0)
