"""The |error| bins: analytics/regression.py's edges are the ones data/queries/regression_profiles.py bins by
(a value lands in the bin whose range holds it), and the quantile's bound holds on awkward counts."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from analytics import regression as ra
from data.queries import regression_profiles as rp


def test_the_sql_bins_and_the_python_edges_agree() -> None:
    assert (ra.LOWEST_EXPONENT, ra.STEPS, ra.TOP) == (rp.LOWEST_EXPONENT, rp.STEPS, rp.TOP)
    rng = np.random.default_rng(3)
    errors = np.concatenate([10 ** rng.uniform(-8, 13, 5000) * rng.choice([-1, 1], 5000), [0.0, 1e-6, -1e-6, 10.0, 1e12]])
    sql = rp.ERRORS_SQL.split("SELECT model, m,", 1)[1].split("AS bin", 1)[0].replace("p - y", "e")
    con = duckdb.connect()
    bins = [row[0] for row in con.execute(f"SELECT {sql} FROM (SELECT unnest(?::DOUBLE[]) AS e)", [errors.tolist()]).fetchall()]
    for e, b in zip(errors, bins, strict=True):
        lo, hi = ra.bin_range(abs(b))
        assert lo * (1 - 1e-12) <= abs(e) < hi * (1 + 1e-12), (e, b, lo, hi)
        assert np.sign(b) == (np.sign(e) if abs(e) >= 1e-6 else 0)


@pytest.mark.parametrize("n", [1, 2, 7, 100, 1001])
def test_quantiles_from_bins_are_within_their_bound(n: int) -> None:
    rng = np.random.default_rng(n)
    errors = rng.normal(0, 50, n)
    k = np.where(np.abs(errors) < 1e-6, 0, 1 + np.minimum(ra.TOP, np.floor((np.log10(np.abs(errors)) + 6) * ra.STEPS)))
    bins: dict[int, int] = {}
    for b in (np.sign(errors) * k).astype(int).tolist():
        bins[b] = bins.get(b, 0) + 1
    for q in ra.QUANTILES:
        found, bound = ra.abs_quantile(bins, q)
        exact = np.quantile(np.abs(errors), q, method="inverted_cdf")
        assert found is not None and bound is not None and abs(found - exact) <= bound * (1 + 1e-9)


def test_no_labels_no_figures() -> None:
    assert ra.figures({"labelled": 0.0}, {}) is None
    assert ra.abs_quantile({}, 0.5) == (None, None)
