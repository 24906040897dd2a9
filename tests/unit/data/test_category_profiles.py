"""Categorical features in the per-minute profiles on a real DuckDB, stored by the ingest path: bucket
counts equal the raw rows', unseen categories count as "other" (and apart), 10,000 distinct categories
stay K + 2 buckets, and the drift statistics agree with SciPy on the raw rows."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import numpy as np
import pytest
from scipy.spatial.distance import jensenshannon
from scipy.stats import chi2_contingency

from analytics import categorical_drift as cd
from analytics import drift as da
from data.ingest import store_outcomes, store_predictions
from data.prediction_log import ingest_tables
from data.queries import category_profiles as cp
from data.queries import profiles
from data.queries import quality as q
from data.retention import RetentionPolicy, run_pass
from data.store import Store

NOW = datetime(2026, 3, 10, 12, 0, 30)
MODEL = "m"
PURPOSES = ["car", "home", "education", "travel", "medical"]


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "t.duckdb")
    yield s
    s.close()


def log(
    store: Store,
    rng: np.random.Generator,
    prefix: str,
    n: int,
    start: datetime,
    shares: list[float],
    missing: float = 0.0,
    extra: dict | None = None,
) -> list[dict]:
    rows = []
    for i in range(n):
        purpose = None if rng.random() < missing else str(rng.choice(PURPOSES, p=shares))
        features = {"x": float(rng.normal()), "purpose": purpose, "flag": bool(i % 3 == 0), **(extra or {})}
        if callable(features.get("many")):
            features["many"] = features["many"](i)
        rows.append(
            {
                "id": f"{prefix}{i}",
                "model": MODEL,
                "score": float(rng.random()),
                "features": features,
                "timestamp": start + timedelta(seconds=50 * i / n),
            }
        )
    store_predictions(store, ingest_tables(rows, NOW))
    store_outcomes(store, [(r["id"], int(rng.random() < 0.5), NOW, NOW) for r in rows])
    return rows


def freeze(store: Store, rows: int) -> None:
    q.freeze_external_reference(store, MODEL, rows, NOW)
    cp.freeze_reference(store, MODEL, rows)
    profiles.build_edges(store, MODEL)


def raw_buckets(rows: list[dict], feature: str, kept: set[str]) -> Counter:
    found: Counter = Counter()
    for r in rows:
        value = r["features"][feature]
        value = ("true" if value else "false") if isinstance(value, bool) else value
        found[cp.MISSING if value is None else value if value in kept else cp.OTHER] += 1
    return found


def test_buckets_equal_the_raw_rows_and_drift_agrees_with_scipy(store) -> None:
    rng = np.random.default_rng(1)
    reference = log(store, rng, "r", 600, NOW - timedelta(minutes=10), [0.4, 0.3, 0.15, 0.1, 0.05], missing=0.02)
    freeze(store, 600)
    current = log(
        store, rng, "c", 900, NOW - timedelta(minutes=3), [0.1, 0.2, 0.3, 0.2, 0.2], missing=0.1, extra={"purpose_extra": "x"}
    )
    profiles.refresh(store, NOW)
    ref = cp.reference(store, MODEL)
    assert set(ref) == {"purpose", "flag"}  # purpose_extra was never in the reference
    assert ref["flag"] == {"true": 200, "false": 400, cp.OTHER: 0, cp.MISSING: 0}
    got = cp.window(store, MODEL, NOW - timedelta(minutes=4), NOW)
    kept = set(PURPOSES)
    assert got["purpose"] == dict(raw_buckets(current, "purpose", kept))
    assert cp.raw_window(store, MODEL, NOW - timedelta(minutes=4), NOW)["purpose"] == got["purpose"]
    order = sorted(ref["purpose"])
    r, c = cp.as_arrays(ref["purpose"], order), cp.as_arrays(got["purpose"], order)
    assert r.tolist() == [raw_buckets(reference, "purpose", kept).get(b, 0) for b in order]
    found = cd.categorical_drift(r, c)
    # SciPy on the raw rows' counts: the two-sample chi-squared test of the counts, JS distance
    nonempty = (r + c) > 0
    statistic, pvalue, _, _ = chi2_contingency([r[nonempty], c[nonempty]])
    assert found.chi2_statistic == pytest.approx(statistic, rel=1e-12)
    assert found.chi2_pvalue == pytest.approx(pvalue, rel=1e-9, abs=1e-300)
    assert found.js_distance == pytest.approx(jensenshannon(r / r.sum(), c / c.sum(), base=2), abs=1e-12)
    assert found.psi == pytest.approx(da.psi_from_shares(r / r.sum(), c / c.sum()), abs=1e-12)
    assert cd.categorical_verdict(found, 100, len(order)) == "significant"
    assert found.chi2_pvalue < 1e-6
    same = cd.categorical_drift(r, r * 2)
    assert same.psi == pytest.approx(0, abs=1e-12)
    assert same.js_distance == pytest.approx(0, abs=1e-7)
    assert same.chi2_pvalue > 0.999


def test_unseen_categories_count_as_other_and_apart(store) -> None:
    rng = np.random.default_rng(2)
    log(store, rng, "r", 300, NOW - timedelta(minutes=10), [0.2] * 5)
    freeze(store, 300)
    log(store, rng, "c", 100, NOW - timedelta(minutes=2), [0.2] * 5, extra={"purpose": "crypto"})
    profiles.refresh(store, NOW)
    rows = store.fetch_all(
        "t",
        "SELECT bucket, sum(n), sum(unseen) FROM category_profile WHERE feature = 'purpose' AND ts >= ? GROUP BY ALL",
        [NOW - timedelta(minutes=3)],
    )
    assert rows == [(cp.OTHER, 100, 100)]


def test_ten_thousand_distinct_categories_are_capped_at_k_plus_two_buckets(store) -> None:
    rng = np.random.default_rng(3)
    log(store, rng, "r", 2000, NOW - timedelta(minutes=10), [0.2] * 5, extra={"many": lambda i: f"v{i % 1000}"})
    freeze(store, 2000)
    log(store, rng, "c", 10_000, NOW - timedelta(minutes=2), [0.2] * 5, extra={"many": lambda i: f"new{i}"})
    profiles.refresh(store, NOW)
    kept = store.fetch_one("t", "SELECT count(*) FILTER (kept), count(*) FROM model_reference_categories WHERE feature = 'many'")
    assert kept == (cp.TOP_K + 1, 1001)  # the top K and the missing row; the rest share "other"
    buckets = store.fetch_all("t", "SELECT DISTINCT bucket FROM category_profile WHERE feature = 'many'")
    assert len(buckets) <= cp.TOP_K + 2
    assert cp.window(store, MODEL, NOW - timedelta(minutes=3), NOW)["many"] == {cp.OTHER: 10_000}
    assert len(cp.reference(store, MODEL)["many"]) == cp.TOP_K + 2


def test_missing_shares_of_numeric_features_come_from_the_profile_nulls(store) -> None:
    rng = np.random.default_rng(4)
    log(store, rng, "r", 300, NOW - timedelta(minutes=10), [0.2] * 5)
    freeze(store, 300)
    log(store, rng, "c", 200, NOW - timedelta(minutes=2), [0.2] * 5, extra={"x": None})
    profiles.refresh(store, NOW)
    assert cp.missing_counts(store, MODEL, NOW - timedelta(minutes=3), NOW)["x"] == (200, 200)
    assert cp.reference_missing(store, MODEL)["x"] == 0.0
    assert cd.missing_verdict(1.0, 0.0, 200, 100) == "significant"
    assert cd.missing_verdict(0.02, 0.0, 200, 100) == "none"
    assert cd.missing_verdict(1.0, 0.0, 50, 100) == "insufficient_data"


def test_drift_page_shares_are_the_reference_and_raw_rows_per_bucket(store) -> None:
    rng = np.random.default_rng(6)
    log(store, rng, "r", 300, NOW - timedelta(minutes=10), [0.5, 0.2, 0.1, 0.1, 0.1])
    freeze(store, 300)
    log(store, rng, "c", 100, NOW - timedelta(minutes=3), [0.2] * 5, extra={"purpose": "crypto"})
    shares = cp.category_shares(store, MODEL, "purpose", NOW - timedelta(minutes=5), NOW)
    assert list(shares["bucket"])[0] == "car"
    assert list(shares["bucket"])[-2:] == [cp.OTHER, cp.MISSING]
    assert shares["reference_share"].sum() == pytest.approx(1.0)
    assert shares.set_index("bucket")["current_share"].to_dict()[cp.OTHER] == 1.0
    assert cp.category_shares(store, MODEL, "x", NOW - timedelta(minutes=5), NOW) is None  # numeric


def test_retention_drops_categories_and_their_profiles_with_the_raw_predictions(store) -> None:
    rng = np.random.default_rng(7)
    log(store, rng, "old", 300, NOW - timedelta(days=2), [0.2] * 5)
    freeze(store, 300)
    log(store, rng, "new", 100, NOW - timedelta(minutes=3), [0.2] * 5)
    profiles.refresh(store, NOW)
    run_pass(store, RetentionPolicy(predictions_days=1.0), NOW)
    for table in ("prediction_categories", "category_profile"):
        oldest, rows = store.fetch_one("t", f"SELECT min(ts), count(*) FROM {table}")
        assert rows > 0, table
        assert oldest >= NOW - timedelta(days=1), table
    assert store.fetch_one("t", "SELECT count(*) FROM model_reference_categories")[0] > 0  # the reference stays
