"""Every data-quality check against a clean history (all pass) and a history broken for that check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pandas as pd
import pytest

from analytics.data_quality import CHECKS, QualityConfig
from collectors.database import run_checks
from data.store import Store
from tests.unit.collectors.quality_data import NOW, clean_frames, load, recent_ids

CONFIG = QualityConfig()  # 15 min window, 10 min label delay


def _results(store: Store) -> dict[tuple[str, str], object]:
    return {(r.check_name, r.table_name): r for r in run_checks(store, NOW, CONFIG)}


def test_clean_history_passes_every_check(store):
    load(store, clean_frames())
    results = _results(store)
    assert {check for check, _ in results} == set(CHECKS)
    failing = {key: r.detail for key, r in results.items() if not r.passed}
    assert failing == {}
    assert all(r.offending == 0 and r.example_id is None for r in results.values())
    assert results[("volume_drop", "predictions")].checked_rows == 30  # 15 min at one per 30 s
    assert results[("out_of_range", "prediction_features")].checked_rows == 60


def _set_feature(frames, pid: str, feature: str, value: float) -> None:
    f = frames["prediction_features"]
    f.loc[(f["id"] == pid) & (f["feature"] == feature), "value"] = value


def _null_feature(frames):
    _set_feature(frames, recent_ids(frames, timedelta(minutes=5))[0], "f2", None)
    return recent_ids(frames, timedelta(minutes=5))[0], 1


def _out_of_range(frames):
    pid = recent_ids(frames, timedelta(minutes=5))[1]
    _set_feature(frames, pid, "f2", 1000.0)
    return pid, 1


def _nan_feature(frames):
    # pandas turns NaN into NULL on insert; Arrow ingest keeps it, so it is set in SQL after loading.
    pid = recent_ids(frames, timedelta(minutes=5))[2]
    frames["_after"] = [("UPDATE prediction_features SET value = 'nan'::DOUBLE WHERE id = ? AND feature = 'f1'", [pid])]
    return pid, 1


def _inf_score(frames):
    p = frames["predictions"]
    pid = recent_ids(frames, timedelta(minutes=5))[0]
    p.loc[p["id"] == pid, "score"] = float("inf")
    return pid, 1


def _duplicate_feature(frames):
    f = frames["prediction_features"]
    pid = recent_ids(frames, timedelta(minutes=5))[0]
    frames["prediction_features"] = pd.concat([f, f[(f["id"] == pid) & (f["feature"] == "f1")]], ignore_index=True)
    return pid, 1


def _score_above_one(frames):
    p = frames["predictions"]
    ids = recent_ids(frames, timedelta(minutes=5))[:2]
    p.loc[p["id"].isin(ids), "score"] = [1.5, -0.2]
    return min(ids), 2


def _future_and_ancient(frames):
    p = frames["predictions"]
    ids = recent_ids(frames, timedelta(minutes=5))[:2]
    p.loc[p["id"] == ids[0], "ts"] = NOW + timedelta(days=1)
    p.loc[p["id"] == ids[1], "ts"] = NOW - timedelta(days=400)
    return min(ids), 2


def _orphan_outcome(frames):
    o = frames["outcomes"]
    ghost = pd.DataFrame(
        {"id": ["ghost"], "label": [1], "ts": [NOW - timedelta(minutes=5)], "received_at": [NOW - timedelta(minutes=5)]}
    )
    frames["outcomes"] = pd.concat([o, ghost], ignore_index=True)
    return "ghost", 1


def _labels_never_came(frames):
    p, o = frames["predictions"], frames["outcomes"]
    late = p[(p["ts"] >= NOW - timedelta(minutes=25)) & (p["ts"] <= NOW - timedelta(minutes=10))]["id"]
    frames["outcomes"] = o[~o["id"].isin(late)]
    return min(late), len(late)


def _volume_collapsed(frames):
    keep = set(recent_ids(frames, timedelta(minutes=15))[:3])
    drop = set(recent_ids(frames, timedelta(minutes=15))) - keep
    for table in ("predictions", "prediction_features", "outcomes"):
        frames[table] = frames[table][~frames[table]["id"].isin(drop)]
    return None, 27  # 30 expected from the hour before, 3 arrived


def _unseen_category(frames):
    """Every prediction has a categorical feature whose reference holds "a" and "b"; two recent ones say "zzz"."""
    p = frames["predictions"]
    frames["prediction_categories"] = pd.DataFrame({"id": p["id"], "ts": p["ts"], "model": "m", "feature": "c", "category": "a"})
    frames["model_reference_categories"] = pd.DataFrame(
        {"model": "m", "feature": "c", "category": ["a", "b"], "rn": [10, 5], "kept": True}
    )
    pids = recent_ids(frames, timedelta(minutes=5))[:2]
    c = frames["prediction_categories"]
    c.loc[c["id"].isin(pids), "category"] = "zzz"
    return min(pids), 2


BREAKERS: dict[tuple[str, str], Callable] = {
    ("unseen_categories", "prediction_categories"): _unseen_category,
    ("missing_features", "prediction_features"): _null_feature,
    ("out_of_range", "prediction_features"): _out_of_range,
    ("non_finite", "prediction_features"): _nan_feature,
    ("non_finite", "predictions"): _inf_score,
    ("duplicate_ids", "prediction_features"): _duplicate_feature,
    ("score_range", "predictions"): _score_above_one,
    ("timestamp_range", "predictions"): _future_and_ancient,
    ("orphan_outcomes", "outcomes"): _orphan_outcome,
    ("overdue_labels", "predictions"): _labels_never_came,
    ("volume_drop", "predictions"): _volume_collapsed,
}


@pytest.mark.parametrize("key", list(BREAKERS), ids=["/".join(k) for k in BREAKERS])
def test_each_check_fails_on_its_broken_data(store, key):
    frames = clean_frames()
    example, offending = BREAKERS[key](frames)
    after = frames.pop("_after", [])
    load(store, frames)
    with store.transaction("seed") as cur:
        for sql, params in after:
            cur.execute(sql, params)
    result = _results(store)[key]
    assert not result.passed, result.detail
    assert result.offending == offending, result.detail
    assert result.example_id == example
    if key[0] == "volume_drop":
        assert result.detail.startswith("3 rows vs 30 expected")
    elif key[0] == "unseen_categories":
        assert "(e.g. c=zzz)" in result.detail
    else:
        assert result.detail.startswith(f"{offending} ")


def test_every_check_has_a_breaker():
    assert {check for check, _ in BREAKERS} == set(CHECKS)
