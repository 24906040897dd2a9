"""Drift analytics: KS against scipy.stats.ks_2samp, PSI against an independent NumPy computation,
the SQL drift query against both, verdict thresholds, and the empty and constant edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp, kstwo

from analytics import drift as da
from data.queries.drift import build_reference_bins, table_drift
from data.store import Store


def _numpy_psi(ref: np.ndarray, cur: np.ndarray, bins: int = 10, eps: float = 1e-4) -> float:
    """Written apart from analytics.drift: edges by np.percentile, bins by np.digitize."""
    edges = np.percentile(ref, np.linspace(0, 100, bins + 1)[1:-1])
    r = np.array([np.mean(np.digitize(ref, edges, right=True) == i) for i in range(bins)])
    c = np.array([np.mean(np.digitize(cur, edges, right=True) == i) for i in range(bins)])
    r, c = np.where(r == 0, eps, r), np.where(c == 0, eps, c)
    return float(np.sum((c - r) * np.log(c / r)))


SAMPLES = {
    "normal": lambda rng: (rng.normal(size=3000), rng.normal(0.2, 1.1, size=2000)),
    "tied": lambda rng: (rng.integers(0, 6, 3000).astype(float), rng.integers(0, 8, 2500).astype(float)),
    "two-valued": lambda rng: (rng.choice([36.0, 60.0], 1000), rng.choice([36.0, 60.0], 1200, p=[0.3, 0.7])),
    "large": lambda rng: (rng.lognormal(size=20_000), rng.lognormal(0.05, size=15_000)),
}


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_ks_statistic_equals_scipy_and_pvalue_scipys_within_0_01(kind: str) -> None:
    ref, cur = SAMPLES[kind](np.random.default_rng(1))
    result = da.ks_test(ref, cur)
    scipy = ks_2samp(ref, cur)
    assert result.statistic == pytest.approx(scipy.statistic, abs=1e-12)
    en = len(ref) * len(cur) / (len(ref) + len(cur))
    assert result.pvalue == pytest.approx(kstwo.sf(scipy.statistic, round(en)), abs=1e-12)
    assert result.pvalue == pytest.approx(scipy.pvalue, abs=0.01)


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_psi_equals_an_independent_numpy_computation(kind: str) -> None:
    ref, cur = SAMPLES[kind](np.random.default_rng(2))
    assert da.psi(ref, cur) == pytest.approx(_numpy_psi(ref, cur), abs=1e-9)


def load_reference_and_current(store: Store, model: str, ref: dict, cur: dict) -> None:
    """`ref` as the model's reference sample (with its bins built), `cur` as a (feature, value) table."""
    ref_long = pd.concat(  # noqa: F841 (read by DuckDB by name below)
        [
            pd.DataFrame(
                {
                    "model": model,
                    "model_version": None,
                    "row_id": range(len(v)),
                    "feature": k,
                    "value": v,
                    "created_at": pd.Timestamp(2026, 1, 1),
                }
            )
            for k, v in ref.items()
        ]
    )
    cur_long = pd.concat([pd.DataFrame({"feature": k, "value": v}) for k, v in cur.items()])  # noqa: F841
    with store.cursor() as con:
        con.execute("INSERT INTO model_reference SELECT * FROM ref_long")
        con.execute("CREATE TABLE cur AS SELECT * FROM cur_long")
    build_reference_bins(store, model)


def test_sql_drift_equals_numpy_psi_and_scipy_ks_within_its_stated_bound(tmp_path) -> None:
    rng = np.random.default_rng(3)
    ref, cur = {}, {}
    for kind, make in SAMPLES.items():
        ref[kind], cur[kind] = make(rng)
    store = Store(tmp_path / "drift.duckdb")
    load_reference_and_current(store, "m", ref, cur)
    rows = {r[0]: r for r in table_drift(store, "m", "cur", 1e-4)}
    store.close()
    for kind in SAMPLES:
        _, psi, ks, bound, n_ref, n_cur = rows[kind]
        assert (n_ref, n_cur) == (len(ref[kind]), len(cur[kind]))
        assert psi == pytest.approx(_numpy_psi(ref[kind], cur[kind]), abs=1e-9)
        exact = ks_2samp(ref[kind], cur[kind]).statistic
        assert exact - bound - 1e-12 <= ks <= exact + 1e-12, kind
        if kind in ("tied", "two-valued"):
            assert bound == 0  # one value per bin: exact
            assert ks == pytest.approx(exact, abs=1e-12)


def test_verdict_thresholds_and_gate() -> None:
    assert da.verdict(0.05, 500, 500, 100) == "none"
    assert da.verdict(0.1, 500, 500, 100) == "moderate"
    assert da.verdict(0.25, 500, 500, 100) == "moderate"
    assert da.verdict(0.26, 500, 500, 100) == "significant"
    assert da.verdict(0.9, 500, 99, 100) == "insufficient_data"
    assert da.verdict(None, 500, 500, 100) == "insufficient_data"


def test_empty_and_constant_samples_are_undefined_or_zero_not_nan() -> None:
    empty, some = np.array([]), np.arange(10.0)
    assert da.psi(empty, some) is None
    assert da.psi(some, empty) is None
    assert da.ks_test(empty, some) == da.KsResult(None, None)
    same = np.full(100, 3.0)
    assert da.psi(same, same) == 0.0
    assert da.ks_statistic(same, same) == 0.0
    assert da.ks_pvalue(0.0, 100, 100) == 1.0


def test_impact_weights_drift_by_importance() -> None:
    assert da.impact(0.5, 0.2) == pytest.approx(0.1)
    assert da.impact(0.5, -0.1) == 0.0
    assert da.impact(None, 0.3) is None
    assert da.impact(0.4, None) == 0.0


def test_ks_pvalues_in_one_call_equal_one_at_a_time() -> None:
    stats = [0.0, 0.01, None, 0.05, 0.3, 0.002]
    ns, ms = [5000, 5000, 5000, 100, 20, 100_000], [3000, 40_000, 10, 80, 0, 100_000]
    assert da.ks_pvalues(stats, ns, ms) == [da.ks_pvalue(d, n, m) for d, n, m in zip(stats, ns, ms, strict=True)]
