"""Per-minute profiles on a real DuckDB against SciPy, NumPy and scikit-learn on the raw rows: KS
exact (p-value within 0.01 of ks_2samp), PSI equal to NumPy's, late labels moving rows into their
class in an old minute, bad input in named counters, and incremental upkeep equal to a rebuild."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp
from sklearn.metrics import roc_auc_score

from analytics import binned_drift as bd
from analytics import binned_quality as bq
from analytics import drift as da
from analytics import quality as qa
from data.queries import profile_reads as pr
from data.queries import profiles
from data.retention import RetentionPolicy, run_pass
from data.store import Store
from tests.unit.analytics.test_binned_quality import score_bin

NOW = datetime(2026, 3, 10, 12, 0, 30)
MODEL = "m"
FEATURES = {  # heavy tails, ties, two values: the shapes that broke equal-width KS bins
    "income": lambda rng, n, shift: rng.lognormal(10 + shift, 1.2, n),
    "savings_balance": lambda rng, n, shift: rng.pareto(1.1, n) * 1000 * (1 + shift),
    "age": lambda rng, n, shift: rng.integers(18, 80, n).astype(float) + np.round(shift * 10),
    "two_valued": lambda rng, n, shift: rng.choice([36.0, 60.0], n, p=[0.5 - shift / 2, 0.5 + shift / 2]),
}


def insert(store: Store, table: str, frame: pd.DataFrame) -> None:
    with store.transaction("seed") as cur:
        cur.register("frame_view", frame)
        cur.execute(f"INSERT INTO {table} SELECT * FROM frame_view")
        cur.unregister("frame_view")


def reference(store: Store, rng: np.random.Generator, n: int = 5000) -> dict[str, np.ndarray]:
    values = {f: make(rng, n, 0.0) for f, make in FEATURES.items()}
    values["__score__"] = rng.beta(2, 5, n)
    rows = [(MODEL, None, i, f, float(v), NOW) for f, vs in values.items() for i, v in enumerate(vs)]
    insert(
        store,
        "model_reference",
        pd.DataFrame(rows, columns=["model", "model_version", "row_id", "feature", "value", "created_at"]),
    )
    # a categorical feature too (tests/unit/data/test_category_profiles.py has its own): "c" is not kept
    insert(
        store,
        "model_reference_categories",
        pd.DataFrame(
            {
                "model": MODEL,
                "feature": "purpose",
                "category": ["a", "b", "c", "__missing__"],
                "rn": [3000, 1500, 400, 100],
                "kept": [True, True, False, True],
            }
        ),
    )
    profiles.build_edges(store, MODEL)
    return values


def predictions(
    store: Store,
    rng: np.random.Generator,
    n: int,
    start: datetime,
    seconds: float,
    shift: float,
    received: datetime,
    prefix: str = "p",
) -> pd.DataFrame:
    """n predictions spread over [start, start + seconds) with every feature; returns (id, score)."""
    ts = [start + timedelta(seconds=float(s)) for s in np.sort(rng.random(n) * seconds)]
    ids = [f"{prefix}{i}" for i in range(n)]
    scores = rng.beta(2, 5 - 3 * shift, n)
    insert(
        store,
        "predictions",
        pd.DataFrame(
            {
                "id": ids,
                "ts": ts,
                "model": MODEL,
                "model_version": "1",
                "score": scores,
                "predicted_label": (scores >= 0.5).astype(np.int32),
                "latency_seconds": 0.001,
                "status": "ok",
                "error_kind": None,
                "source": "test",
                "received_at": received,
            }
        ),
    )
    features = pd.DataFrame(
        [
            (i, t, MODEL, f, float(v))
            for f, make in FEATURES.items()
            for i, t, v in zip(ids, ts, make(rng, n, shift), strict=True)
        ],
        columns=["id", "ts", "model", "feature", "value"],
    )
    insert(store, "prediction_features", features)
    insert(
        store,
        "prediction_categories",
        pd.DataFrame(
            {"id": ids, "ts": ts, "model": MODEL, "feature": "purpose", "category": rng.choice(["a", "b", "c", "d"], n)}
        ),
    )
    return pd.DataFrame({"id": ids, "score": scores})


def outcomes(store: Store, ids: list[str], labels: np.ndarray, received: datetime) -> None:
    insert(
        store, "outcomes", pd.DataFrame({"id": ids, "label": labels.astype(np.int32), "ts": received, "received_at": received})
    )


def references(store: Store) -> dict[str, bd.ReferenceBins]:
    return {
        f: bd.ReferenceBins.from_edges(a["edge"], a["rn"], a["pb_at"], a["pb_after"])
        for f, a in pr.reference_edges(store, MODEL).items()
    }


def drift(store: Store, current: dict[str, tuple]) -> dict[str, bd.BinnedDrift]:
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0))
    return {f: bd.binned_drift(r, *current.get(f, empty), da.PSI_EPSILON) for f, r in references(store).items()}


def current(store: Store, feature: str) -> np.ndarray:
    if feature == "__score__":
        return np.array([r[0] for r in store.fetch_all("t", "SELECT score FROM predictions")])
    return np.array([r[0] for r in store.fetch_all("t", "SELECT value FROM prediction_features WHERE feature = ?", [feature])])


@pytest.mark.parametrize("shift", [0.0, 0.02, 0.3])
def test_ks_is_exact_and_psi_equals_numpy_on_every_feature(store: Store, shift: float) -> None:
    rng = np.random.default_rng(11)
    ref = reference(store, rng)
    predictions(store, rng, 3000, NOW - timedelta(minutes=5), 300, shift, NOW)
    profiles.refresh(store, NOW)
    first, last = pr.window_minutes(NOW, 900)
    found = drift(store, pr.profile_feature_bins(store, MODEL, first, last))
    edges = {f: r.edges for f, r in references(store).items()}
    raw = drift(store, pr.raw_feature_bins(store, MODEL, NOW - timedelta(hours=1), NOW, edges))
    assert set(found) == set(ref)
    for feature, values in ref.items():
        cur, row = current(store, feature), found[feature]
        scipy = ks_2samp(values, cur)
        assert (row.reference_count, row.current_count) == (5000, 3000)
        assert abs(row.ks_statistic - scipy.statistic) <= row.ks_error_bound + 1e-12, feature
        assert da.ks_pvalue(row.ks_statistic, 5000, 3000) == pytest.approx(scipy.pvalue, abs=0.01), feature
        assert row.psi == pytest.approx(da.psi(values, cur), abs=1e-9), feature
        assert raw[feature] == row


def test_late_labels_move_an_old_minutes_rows_into_their_class(store: Store) -> None:
    rng = np.random.default_rng(12)
    reference(store, rng)
    old = datetime(2026, 3, 10, 11, 20)  # 40 minutes before NOW: older than any settle window
    preds = predictions(store, rng, 2000, old, 50, 0.0, old + timedelta(seconds=55))
    labels = (rng.random(2000) < preds["score"]).astype(int)
    outcomes(store, list(preds["id"][:500]), labels[:500], old + timedelta(minutes=1))
    profiles.refresh(store, old + timedelta(minutes=1))
    window = pr.window_minutes(old + timedelta(minutes=1), 120)
    before = bq.summary(bq.ScoreBins(**pr.score_bins(store, MODEL, *window)[0]))
    assert (before["labelled"], before["unlabelled"]) == (500, 1500)
    outcomes(store, list(preds["id"][500:]), labels[500:], NOW)  # 39 minutes late
    assert profiles.refresh(store, NOW) == 1  # only that minute is rebuilt
    after = bq.summary(bq.ScoreBins(**pr.score_bins(store, MODEL, *window)[0]))
    assert (after["labelled"], after["unlabelled"]) == (2000, 0)
    auc = qa.window_quality(after, None, 100).auc
    assert abs(auc - roc_auc_score(labels, preds["score"])) <= after["auc_error_bound"] + 1e-12
    assert auc != qa.window_quality(before, None, 100).auc


def test_bad_input_lands_in_named_counters(store: Store) -> None:
    rng = np.random.default_rng(13)
    reference(store, rng)
    predictions(store, rng, 300, NOW - timedelta(seconds=20), 10, 0.0, NOW)
    with store.transaction("seed") as cur:  # SQL, not pandas: pandas hands NaN over as NULL
        cur.execute(
            "INSERT INTO prediction_features VALUES ('p1', ?, ?, 'unknown', 1.0), ('p2', ?, ?, 'income', 'NaN'), "
            "('p3', ?, ?, 'income', NULL), ('p4', ?, ?, 'income', 1e300)",
            [NOW - timedelta(seconds=10), MODEL] * 4,
        )
    profiles.refresh(store, NOW)
    stats = {
        r["feature"]: r
        for r in store.fetch_dicts(
            "t",
            "SELECT feature, sum(n) AS n, sum(nulls) AS nulls, sum(nans) AS nans, sum(above_reference) AS above, "
            "sum(no_reference) AS no_reference FROM feature_profile_stats GROUP BY feature",
        )
    }
    assert stats["unknown"]["no_reference"] == 1
    assert stats["income"]["n"] == 303
    assert (stats["income"]["nulls"], stats["income"]["nans"], stats["income"]["above"]) == (1, 1, 1)
    found = drift(store, pr.profile_feature_bins(store, MODEL, *pr.window_minutes(NOW, 900)))
    assert "unknown" not in found
    assert found["income"].current_count == 301
    assert np.isfinite(found["income"].psi)
    assert 0 <= found["income"].ks_statistic <= 1


def dump(store: Store) -> dict[str, pd.DataFrame]:
    return {t: store.fetch_df("t", f"SELECT * FROM {t} ORDER BY ALL") for t in profiles.PROFILE_TABLES}


def assert_same_profiles(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    """Counts equal; sums equal but for the order DuckDB happened to add them in."""
    for table in profiles.PROFILE_TABLES:
        left, right = a[table], b[table]
        assert len(left) == len(right) > 0, table
        for column in left.columns:
            if pd.api.types.is_float_dtype(left[column]):
                np.testing.assert_allclose(left[column], right[column], rtol=1e-12, err_msg=f"{table}.{column}")
            elif isinstance(left[column].iloc[0], np.ndarray):  # multivariate sums: lists of floats
                flat = [np.concatenate(side[column].tolist()) for side in (left, right)]
                np.testing.assert_allclose(*flat, rtol=1e-12, atol=1e-9, err_msg=f"{table}.{column}")
            else:
                assert left[column].tolist() == right[column].tolist(), f"{table}.{column}"


def test_incremental_upkeep_equals_a_rebuild_from_the_raw_rows(store: Store) -> None:
    """What a restart after a crash does: the watermark is committed with the profiles, so the next
    pass redoes whatever arrived since; a store without state rebuilds every minute."""
    rng = np.random.default_rng(14)
    reference(store, rng)
    for step in range(3):
        at = NOW + timedelta(minutes=step)
        preds = predictions(store, rng, 400, at - timedelta(seconds=90), 90, 0.0, at, prefix=f"s{step}-")
        outcomes(store, list(preds["id"][::2]), (rng.random(200) < 0.4).astype(int), at)
        profiles.refresh(store, at)
    incremental = dump(store)
    with store.transaction("seed") as cur:
        for table in profiles.PROFILE_TABLES:
            cur.execute(f"DELETE FROM {table}")
        cur.execute("DELETE FROM rollup_state WHERE name = ?", [profiles.STATE])
    profiles.refresh(store, NOW + timedelta(minutes=3))
    assert_same_profiles(dump(store), incremental)


def test_score_bins_in_sql_equal_numpys(store: Store) -> None:
    rng = np.random.default_rng(15)
    reference(store, rng)
    preds = predictions(store, rng, 200, NOW - timedelta(seconds=30), 20, 0.0, NOW)
    tails = np.array([0.0, 1e-30, 3e-9, 9.99e-5, 1e-4, 0.5, 0.9999, 1 - 3e-9, 1.0])
    with store.transaction("seed") as cur:
        cur.execute("UPDATE predictions SET score = ? WHERE id = ?", [0.0, "p0"])
        for i, s in enumerate(tails):
            cur.execute("UPDATE predictions SET score = ? WHERE id = ?", [float(s), f"p{i}"])
    scores = np.concatenate([tails, preds["score"].to_numpy()[len(tails) :]])
    profiles.refresh(store, NOW)
    stored = store.fetch_all("t", "SELECT bin, sum(n) FROM score_profile GROUP BY bin ORDER BY bin")
    ids, counts = np.unique(score_bin(scores), return_counts=True)
    assert stored == list(zip(ids.tolist(), counts.tolist(), strict=True))


def test_retention_drops_profiles_with_the_raw_predictions(store: Store) -> None:
    rng = np.random.default_rng(16)
    reference(store, rng)
    old = NOW - timedelta(days=2)
    predictions(store, rng, 100, old, 30, 0.0, old + timedelta(seconds=30), prefix="old-")
    predictions(store, rng, 100, NOW - timedelta(minutes=2), 30, 0.0, NOW)
    profiles.refresh(store, NOW)
    run_pass(store, RetentionPolicy(predictions_days=1.0), NOW)
    for table in profiles.PROFILE_TABLES:
        oldest, rows = store.fetch_one("t", f"SELECT min(ts), count(*) FROM {table}")
        assert rows > 0, table
        assert oldest >= NOW - timedelta(days=1), table
