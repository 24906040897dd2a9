"""Hour and day tiers of the profiles on a real DuckDB: a window read through the tiers equals the same
window summed from the minute profiles, after passes that add late labels and backfilled rows to closed
hours; the plan covers a window exactly once; retention keeps the tiers after the minutes are gone."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from data.queries import category_profiles, profile_tiers, profiles
from data.queries import profile_reads as pr
from data.retention import RetentionPolicy, run_pass
from data.store import Store
from tests.unit.data.test_profiles import MODEL, outcomes, predictions, reference

START = datetime(2026, 3, 7, 22, 17)
M = timedelta(minutes=1)


def minutes_of(slices: list[tuple[str, datetime, datetime]]) -> list[datetime]:
    size = {"": M, "_hour": timedelta(hours=1), "_day": timedelta(days=1)}
    found = []
    for suffix, lo, hi in slices:
        t = lo
        while t <= hi:
            found += [t + M * i for i in range(int(size[suffix] / M))]
            t += size[suffix]
    return found


@pytest.mark.parametrize(
    ("first", "last", "hour", "day"),
    [
        (datetime(2026, 3, 1, 0, 0), datetime(2026, 3, 31, 23, 59), datetime(2026, 3, 31, 23), datetime(2026, 3, 31)),
        (datetime(2026, 3, 1, 7, 13), datetime(2026, 3, 9, 4, 41), datetime(2026, 3, 9, 4), datetime(2026, 3, 9)),
        (datetime(2026, 3, 1, 7, 13), datetime(2026, 3, 1, 7, 50), datetime(2026, 3, 9, 4), datetime(2026, 3, 9)),
        (datetime(2026, 3, 1, 7, 13), datetime(2026, 3, 3, 7, 50), None, None),
        (datetime(2026, 3, 1, 7, 13), datetime(2026, 3, 3, 7, 50), datetime(2026, 3, 2, 5), datetime(2026, 3, 2)),
    ],
)
def test_plan_covers_each_minute_once_from_closed_buckets(first, last, hour, day) -> None:
    slices = profile_tiers.plan(first, last, {"_hour": hour, "_day": day})
    covered = minutes_of(slices)
    assert len(covered) == len(set(covered))
    assert covered
    assert min(covered) == first
    assert max(covered) == last
    assert len(covered) == (last - first) // M + 1
    for suffix, _, hi in slices:  # only closed buckets come from a tier
        if suffix:
            assert hi + {"_hour": timedelta(hours=1), "_day": timedelta(days=1)}[suffix] <= {"_hour": hour, "_day": day}[suffix]
    if hour and (last - first) > timedelta(days=3):
        assert len(slices) < 200  # a month: days, hours at its ends, minutes at its ragged edges


def merged_scores(rows: list[tuple], coarse: bool) -> list[tuple]:
    """(bin, outcome, predicted, n, score sum, smallest score) merged per bin, at the day tier's width when
    `coarse`."""
    found: dict[tuple, list] = {}
    for b, outcome, predicted, n, total, low in rows:
        if coarse and 0 <= b < profile_tiers.FINE_SCORE_BINS:
            b = b // profile_tiers.COARSE_FACTOR * profile_tiers.COARSE_FACTOR
        into = found.setdefault((int(b), int(outcome), int(predicted)), [0, 0.0, np.inf])
        into[0], into[1], into[2] = into[0] + int(n), into[1] + float(total), min(into[2], float(low))
    return sorted((*k, *v) for k, v in found.items())


def minute_only(store: Store, model: str, first: datetime, last: datetime, coarse: bool) -> dict:
    """The window summed from the minute tables alone (what the tiers must equal)."""
    scores = merged_scores(
        store.fetch_all(
            "t",
            "SELECT bin, outcome, predicted, sum(n), sum(score_sum), min(score_min) FROM score_profile "
            "WHERE model = ? AND ts >= ? AND ts <= ? GROUP BY ALL",
            [model, first, last],
        ),
        coarse,
    )
    features = store.fetch_all(
        "t",
        "SELECT feature, bin, sum(n) FROM feature_profile WHERE model = ? AND ts >= ? AND ts <= ? GROUP BY ALL ORDER BY ALL",
        [model, first, last],
    )
    categories = store.fetch_all(
        "t",
        "SELECT feature, bucket, sum(n) FROM category_profile WHERE model = ? AND ts >= ? AND ts <= ? GROUP BY ALL ORDER BY ALL",
        [model, first, last],
    )
    return {"scores": scores, "features": features, "categories": sorted(categories)}


def tiered(store: Store, model: str, first: datetime, last: datetime) -> dict:
    cols, _, coarse = pr.score_bins(store, model, first, last)
    scores = merged_scores(
        list(zip(*(cols[k].tolist() for k in ("bin", "outcome", "predicted", "n", "score_sum", "score_min")), strict=True)),
        coarse,
    )
    features = sorted(
        (f, int(b), int(n))
        for f, (bins, ns) in pr.profile_feature_bins(store, model, first, last).items()
        for b, n in zip(bins, ns, strict=True)
    )
    categories = sorted(
        (f, b, n) for f, part in category_profiles.window(store, model, first, last).items() for b, n in part.items()
    )
    return {"scores": scores, "features": features, "categories": categories, "coarse": coarse}


def assert_same(a: dict, b: dict) -> None:
    assert a["features"] == b["features"]
    assert a["categories"] == b["categories"]
    assert [r[:4] for r in a["scores"]] == [r[:4] for r in b["scores"]]
    np.testing.assert_allclose([r[4] for r in a["scores"]], [r[4] for r in b["scores"]], rtol=1e-12)


def test_tiered_windows_equal_minute_sums_through_late_labels_and_backfill(tmp_path) -> None:
    store, rng = Store(tmp_path / "tiers.duckdb"), np.random.default_rng(3)
    try:
        reference(store, rng)
        now, labelled = START, []
        for step in range(14):  # passes 5 h apart over ~3 days: hours and days close between them
            batch = predictions(store, rng, 400, now - timedelta(hours=5), 5 * 3600, 0.1 * (step % 3), now, prefix=f"s{step}-")
            ids = list(batch["id"])
            outcomes(store, ids[::2] + labelled, (rng.random(len(ids[::2]) + len(labelled)) < 0.4).astype(int), now)
            labelled = ids[1::2][:50]  # labelled a pass late: moves rows of closed hours and days
            if step == 9:  # a backfill into a closed day
                predictions(store, rng, 200, START + timedelta(hours=3), 1800, 0.3, now, prefix="late-")
            profiles.refresh(store, now)
            now += timedelta(hours=5)
        marks = store.fetch_all("t", "SELECT name, rolled_until FROM rollup_state WHERE name LIKE 'profiles_%'")
        assert dict(marks)["profiles_day"] == datetime(2026, 3, 10)
        assert store.fetch_one("t", "SELECT count(*) FROM score_profile_day")[0] > 0
        end, coarse_seen = now - timedelta(hours=5), False
        for first, last in [
            (START - timedelta(hours=6), end),
            (START + timedelta(minutes=7), end - timedelta(hours=9)),
            (datetime(2026, 3, 8, 0, 0), datetime(2026, 3, 9, 23, 59)),
            (end - timedelta(minutes=30), end),
        ]:
            first, last = first.replace(second=0), last.replace(second=0, microsecond=0)
            found = tiered(store, MODEL, first, last)
            assert_same(found, minute_only(store, MODEL, first, last, found["coarse"]))
            coarse_seen = coarse_seen or found["coarse"]
        assert coarse_seen  # a window read whole days
        # a full rebuild of every tier from the minutes gives what the incremental passes kept
        kept = {t: store.fetch_all("t", f"SELECT * FROM {t}_day ORDER BY ALL") for t in profile_tiers.COLUMNS}
        with store.transaction("seed") as cur:
            cur.execute("DELETE FROM rollup_state WHERE name LIKE 'profiles_%'")
            for table in profile_tiers.COLUMNS:
                for suffix, _, _ in profile_tiers.TIERS:
                    cur.execute(f"DELETE FROM {table}{suffix}")
            profile_tiers.roll(cur, [], end)
        for table, rows in kept.items():
            again = store.fetch_all("t", f"SELECT * FROM {table}_day ORDER BY ALL")
            assert len(again) == len(rows), table
            assert all(a[:3] == b[:3] for a, b in zip(again, rows, strict=True)), table
    finally:
        store.close()


def test_retention_keeps_tiers_after_the_minutes_and_raw_rows_go(tmp_path) -> None:
    store, rng = Store(tmp_path / "tiers.duckdb"), np.random.default_rng(4)
    try:
        reference(store, rng)
        old = START - timedelta(days=40)
        predictions(store, rng, 600, old, 7200, 0.0, old + timedelta(hours=3))
        profiles.refresh(store, START)
        first, last = old.replace(minute=0) + timedelta(hours=1), old.replace(minute=0) + timedelta(hours=1, minutes=59)
        before = tiered(store, MODEL, first, last)
        assert sum(r[3] for r in before["scores"]) > 0
        run_pass(store, RetentionPolicy(predictions_days=30, hour_days=730), START)
        assert store.fetch_one("t", "SELECT count(*) FROM score_profile WHERE ts < ?", [START - timedelta(days=30)])[0] == 0
        assert tiered(store, MODEL, first, last) == before
        run_pass(store, RetentionPolicy(predictions_days=30, hour_days=35), START)
        assert sum(r[3] for r in tiered(store, MODEL, first, last)["scores"]) == 0
    finally:
        store.close()


def test_a_window_of_whole_days_keeps_auc_within_its_stated_bound(tmp_path) -> None:
    from sklearn.metrics import roc_auc_score

    from answers.model_window import EVALUATION_COLUMNS, ModelAnswers

    store, rng = Store(tmp_path / "tiers.duckdb"), np.random.default_rng(5)
    try:
        reference(store, rng)
        now = START + timedelta(days=3)
        batch = predictions(store, rng, 6000, START, 3 * 86400 - 600, 0.0, now)
        labels = (rng.random(len(batch)) < batch["score"].to_numpy()).astype(int)  # calibrated: AUC well above 0.5
        outcomes(store, list(batch["id"]), labels, now)
        profiles.refresh(store, now)
        found = ModelAnswers(store, 100).answer(MODEL, now, [3 * 86400])
        row = dict(zip(EVALUATION_COLUMNS, found["model_evaluations"][0], strict=True))
        first, last = pr.window_minutes(now, 3 * 86400)
        raw = store.fetch_all(
            "t",
            "SELECT p.score, o.label FROM predictions p JOIN outcomes o USING (id) WHERE p.ts >= ? AND p.ts < ?",
            [first, last + timedelta(minutes=1)],
        )
        exact = roc_auc_score([r[1] for r in raw], [r[0] for r in raw])
        assert row["labelled"] == len(raw)
        assert 0 < row["auc_error_bound"] < 0.01
        assert abs(row["auc"] - exact) <= row["auc_error_bound"] + 1e-12
        assert any(s[0] == "_day" for s in profile_tiers.plan(first, last, profile_tiers.read_marks(store)))
    finally:
        store.close()
