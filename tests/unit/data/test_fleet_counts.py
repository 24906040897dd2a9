"""The fleet counters on /metrics on a real DuckDB: the score histogram by outcome equals
NumPy's count of the labelled scores, each feature's cumulative buckets count the values <= each PSI
decile edge, PSI from those buckets and the reference shares equals the evaluation job's profile PSI,
and the counters never go back: not across retention, a late label or a restart (a new collector
on the same file)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from sklearn.metrics import roc_auc_score

from analytics import drift as da
from data.queries import fleet_counts as fc
from data.queries import profile_reads as pr
from data.queries import profiles
from data.retention import RetentionPolicy, run_pass
from data.store import Store
from telemetry.fleet import FleetMetrics
from tests.unit.data.test_profiles import MODEL, NOW, drift, insert, outcomes, predictions, reference

SCORE_EDGES = np.asarray(fc.SCORE_EDGES)


def samples(store: Store) -> dict[tuple, float]:
    """Every sample of a fresh collector over `store` (a restart), parsed back from the text exposition."""
    registry = CollectorRegistry()
    registry.register(FleetMetrics(store))
    text = generate_latest(registry).decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def refresh(store: Store, now: datetime, new_edges: Sequence[str] = ()) -> None:
    """What an evaluation pass does to the profiles and the fleet totals: refresh, then update."""
    profiles.refresh(store, now, new_edges)
    fc.update(store, now)


def pick(found: dict[tuple, float], name: str, **labels: str) -> dict[tuple, float]:
    return {k: v for k, v in found.items() if k[0] == name and all(dict(k[1]).get(a) == b for a, b in labels.items())}


def seeded(tmp_path, late: bool = False) -> tuple[Store, dict, np.ndarray, np.ndarray]:
    store = Store(tmp_path / "fleet.duckdb")
    rng = np.random.default_rng(17)
    ref = reference(store, rng)
    rows = predictions(store, rng, 3000, NOW - timedelta(minutes=3), 150, 0.3, NOW - timedelta(seconds=40))
    labels = (rng.random(3000) < rows["score"]).astype(int)
    labelled = 2000 if late else 3000
    outcomes(store, rows["id"][:labelled].tolist(), labels[:labelled], NOW - timedelta(seconds=40))
    refresh(store, NOW)
    return store, ref, rows["score"].to_numpy(), labels


def cumulative(found: dict[tuple, float], name: str, **labels: str) -> tuple[list[str], np.ndarray]:
    rows = sorted(((float(dict(k[1])["le"]), dict(k[1])["le"], v) for k, v in pick(found, name, **labels).items()))
    return [r[1] for r in rows], np.asarray([r[2] for r in rows])


def test_score_histogram_counts_labelled_scores_by_outcome(tmp_path) -> None:
    store, _, scores, labels = seeded(tmp_path)
    found = samples(store)
    for outcome, value in (("positive", 1), ("negative", 0)):
        le, counts = cumulative(found, "model_score_bucket", model=MODEL, outcome=outcome)
        assert le[-1] == "+Inf"
        assert len(le) == fc.SCORE_BUCKETS + 1
        mine = scores[labels == value]
        # bucket k holds [k/50, (k+1)/50): below an edge, i.e. <= it except for a score exactly on it
        expected = [(mine < e).sum() if e < 1 else len(mine) for e in SCORE_EDGES] + [len(mine)]
        assert counts.tolist() == expected
        assert found[("model_score_count", (("model", MODEL), ("outcome", outcome)))] == len(mine)
        assert abs(found[("model_score_sum", (("model", MODEL), ("outcome", outcome)))] - mine.sum()) < 1e-6
    hits = {
        (p, o): v
        for (_, lab), v in pick(found, "model_labelled_predictions_total", model=MODEL).items()
        for p, o in [(dict(lab)["predicted"], dict(lab)["outcome"])]
    }
    predicted = scores >= 0.5
    assert hits[("positive", "positive")] == (predicted & (labels == 1)).sum()
    assert hits[("negative", "negative")] == (~predicted & (labels == 0)).sum()
    assert sum(hits.values()) == 3000
    # the trapezoid over the two cumulative histograms (what deploy/fleet-rules.yml computes) is the AUC
    # with ties counted half per bucket: within the bound of pairs sharing a bucket of sklearn's
    pos, neg = (
        np.diff(cumulative(found, "model_score_bucket", model=MODEL, outcome=o)[1], prepend=0) for o in ("positive", "negative")
    )
    auc = np.sum(pos * (np.cumsum(neg) - neg / 2)) / (pos.sum() * neg.sum())
    bound = 0.5 * np.sum(pos * neg) / (pos.sum() * neg.sum())
    assert abs(auc - roc_auc_score(labels, scores)) <= bound


def test_feature_buckets_and_psi_match_the_profiles(tmp_path) -> None:
    store, ref, _, _ = seeded(tmp_path)
    found = samples(store)
    values = {f: np.asarray(v) for f, v in store_features(store).items()}
    window = pr.profile_feature_bins(store, MODEL, NOW - timedelta(minutes=10), NOW)
    expected_psi = {f: d.psi for f, d in drift(store, window).items()}
    for feature in values:
        le, counts = cumulative(found, "model_feature_value_bucket", model=MODEL, feature=feature)
        edges = np.asarray([float(x) for x in le[:-1]])
        deciles = np.unique(np.quantile(ref[feature], np.arange(1, 10) / 10))  # DuckDB's quantile_cont, to rounding
        assert np.allclose(edges, deciles, rtol=1e-12, atol=0)
        assert counts.tolist() == [(values[feature] <= e).sum() for e in edges] + [len(values[feature])]
        share = {
            dict(k[1])["upper"]: v for k, v in pick(found, "model_feature_reference_share", model=MODEL, feature=feature).items()
        }
        current = np.diff(counts, prepend=0) / counts[-1]
        psi = da.psi_from_shares(np.asarray([share[x] for x in le]), current)
        assert abs(psi - expected_psi[feature]) < 1e-9, feature


def store_features(store: Store) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {}
    for feature, value in store.fetch_all("t", "SELECT feature, value FROM prediction_features"):
        found.setdefault(feature, []).append(value)
    found["__score__"] = [r[0] for r in store.fetch_all("t", "SELECT score FROM predictions")]
    return found


def counters(found: dict[tuple, float]) -> dict[tuple, float]:
    return {k: v for k, v in found.items() if k[0].endswith(("_bucket", "_count", "_total"))}


def test_counters_never_go_back_across_retention_late_labels_and_restart(tmp_path) -> None:
    store, _, scores, labels = seeded(tmp_path, late=True)
    before = counters(samples(store))
    ids = [f"p{i}" for i in range(2000, 3000)]
    outcomes(store, ids, labels[2000:], NOW)  # late labels: into their class in their own (old) minute
    refresh(store, NOW + timedelta(seconds=40))
    later = counters(samples(store))
    assert all(later[k] >= v for k, v in before.items())
    assert sum(pick(later, "model_labelled_predictions_total").values()) == 3000
    # kept incrementally, the totals equal a count over every profile minute
    direct = store.fetch_all(
        "t",
        "SELECT least(49, greatest(0, floor(bin / 200)))::INTEGER AS b, outcome, sum(n) "
        "FROM score_profile WHERE outcome >= 0 GROUP BY ALL ORDER BY ALL",
    )
    kept = store.fetch_all("t", "SELECT bucket, outcome, sum(n) FROM fleet_total_scores WHERE n > 0 GROUP BY ALL ORDER BY ALL")
    assert [tuple(map(int, r)) for r in direct] == [tuple(map(int, r)) for r in kept]
    run_pass(store, RetentionPolicy(predictions_days=1.0), NOW + timedelta(days=2))  # every minute deleted
    assert store.fetch_one("t", "SELECT count(*) FROM score_profile")[0] == 0
    assert counters(samples(store)) == later  # a new collector (a restart) after retention: the same totals
    run_pass(store, RetentionPolicy(predictions_days=1.0), NOW + timedelta(days=3))  # nothing twice
    assert counters(samples(store)) == later


def test_names_are_escaped_unlabelled_models_start_at_zero_and_no_reference_means_no_feature_histogram(tmp_path) -> None:
    store = Store(tmp_path / "names.duckdb")
    odd = 'fraud "v2"\\eu\nwest'
    insert(
        store,
        "predictions",
        pd.DataFrame(
            {
                "id": ["a", "b", "c"],
                "ts": [NOW] * 3,
                "model": [odd, odd, "fresh"],
                "model_version": "1",
                "score": [0.9, 0.1, 0.5],
                "predicted_label": [1, 0, 1],
                "latency_seconds": 0.001,
                "status": "ok",
                "error_kind": None,
                "source": "t",
                "received_at": NOW,
            }
        ),
    )
    outcomes(store, ["a", "b"], np.array([1, 0]), NOW)
    refresh(store, NOW + timedelta(seconds=40))
    found = samples(store)
    assert found[("model_score_count", (("model", odd), ("outcome", "positive")))] == 1
    # predictions without outcomes: the histograms are there, at 0, before the first label
    assert found[("model_score_count", (("model", "fresh"), ("outcome", "negative")))] == 0
    assert not pick(found, "model_feature_value_bucket")
    assert not pick(found, "model_feature_reference_share")


def test_new_reference_edges_recount_the_models_feature_totals(tmp_path) -> None:
    store, _, _, _ = seeded(tmp_path)
    samples(store)
    with store.transaction("seed") as cur:
        cur.execute("UPDATE model_reference SET value = value * 1.5 WHERE feature = 'income'")
    profiles.build_edges(store, MODEL)
    refresh(store, NOW + timedelta(seconds=40), [MODEL])  # every minute re-binned with the new edges
    found = samples(store)
    values = np.asarray(store_features(store)["income"])
    le, counts = cumulative(found, "model_feature_value_bucket", model=MODEL, feature="income")
    assert counts.tolist() == [(values <= float(e)).sum() for e in le[:-1]] + [len(values)]


def test_a_scrape_only_reads_the_totals_the_evaluation_pass_keeps(tmp_path) -> None:
    store, _, _, labels = seeded(tmp_path, late=True)
    registry = CollectorRegistry()
    registry.register(FleetMetrics(store))
    before = generate_latest(registry)
    totals = fc.score_totals(store)
    outcomes(store, [f"p{i}" for i in range(2000, 3000)], labels[2000:], NOW)
    profiles.refresh(store, NOW + timedelta(seconds=40))  # minutes rebuilt, the totals not yet updated
    state = store.fetch_all("t", "SELECT * FROM rollup_state WHERE name <> 'profiles' ORDER BY ALL")
    assert generate_latest(registry) == before  # the stored totals, not brought up to date by the scrape
    assert store.fetch_all("t", "SELECT * FROM rollup_state WHERE name <> 'profiles' ORDER BY ALL") == state
    assert fc.score_totals(store) == totals
    fc.update(store, NOW + timedelta(seconds=40))  # the evaluation pass's step: the next scrape shows it
    labelled = pick(samples(store), "model_labelled_predictions_total")
    assert sum(labelled.values()) == 3000
    assert generate_latest(registry) != before
