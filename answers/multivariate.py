"""Multivariate drift of a model over any window: the mean squared PCA reconstruction error merged from
the per-minute sums (data/queries/multivariate.py) under the PCA of the model's standardised reference
(analytics/multivariate.py), its reference band and the features contributing most.

The error is exact, not binned: it is a linear function of the window's summed n and z z^T, which the
minutes, hours and days add up to without loss (floating-point rounding aside). The band is the mean
+- 3 sd of the error over 10 chunks of the reference, so it describes windows of a chunk's size or more:
a window with fewer complete rows than a chunk is `insufficient_data` (its own noise is wider).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from analytics import multivariate as mv
from data.queries import multivariate as mq
from data.queries import profile_reads as pr
from data.store import Store

TOP_FEATURES = 3
Row = tuple[Any, ...]
Part = tuple[int, int, np.ndarray | None, np.ndarray | None]  # n, skipped, sum z, sum z z^T


@dataclass(frozen=True)
class Reference:
    pca: mv.Pca
    band: mv.Band
    chunk_rows: int  # complete reference rows per band chunk: the smallest window the band describes


class MultivariateDrift:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._references: dict[str, Reference | None] = {}

    def forget(self, model: str) -> None:
        self._references.pop(model, None)

    def reference(self, model: str) -> Reference | None:
        """The model's PCA and band (None without two standardised features and enough complete rows)."""
        if model not in self._references:
            features, mean, sd, rows = mq.read_reference(self.store, model)
            pca = mv.fit(rows, features, standardise=(mean, sd)) if len(rows) >= 2 * mv.REFERENCE_CHUNKS else None
            self._references[model] = (
                Reference(pca, mv.reference_band(pca, rows), len(rows) // mv.REFERENCE_CHUNKS) if pca is not None else None
            )
        return self._references[model]

    def read(self, model: str, first: datetime, last: datetime) -> Part:
        return mq.window_sums(self.store, model, first, last)

    def rows(self, model: str, now: datetime, windows: Sequence[int], parts: dict[int, list[Part]] | None = None) -> list[Row]:
        """multivariate_drift rows of every window of a minute or more (`parts` as nested_windows reads them)."""
        reference = self.reference(model)
        if reference is None:
            return []
        found = []
        for seconds in sorted(w for w in windows if w >= 60):
            window_parts = parts[seconds] if parts is not None else [self.read(model, *pr.window_minutes(now, seconds))]
            found.append(result_row(reference, (now, model, seconds), merge(window_parts)))
        return found


def merge(parts: Sequence[Part]) -> Part:
    n, skipped = sum(p[0] for p in parts), sum(p[1] for p in parts)
    vectors = [p[2] for p in parts if p[2] is not None]
    matrices = [p[3] for p in parts if p[3] is not None]
    if not vectors or not matrices:
        return n, skipped, None, None
    return n, skipped, np.sum(vectors, axis=0), np.sum(matrices, axis=0)


def result_row(reference: Reference, key: tuple[datetime, str, int], part: Part) -> Row:
    """One multivariate_drift row (mq.RESULT_COLUMNS) of a window's merged sums."""
    n, skipped, z, zz = part
    band, pca = reference.band, reference.pca
    if n == 0 or z is None or zz is None or len(z) != len(pca.features):
        return (*key, n, skipped, None, band.low, band.high, pca.components, "insufficient_data", None)
    found = mv.reconstruction(pca, mv.Sums(n, z, zz))
    error = found.error
    if n < reference.chunk_rows or error is None:
        verdict = "insufficient_data"
    else:
        verdict = "drift" if not band.low <= error <= band.high else "none"
    top = [{"feature": f, "contribution": c} for f, c in mv.top_contributors(found, TOP_FEATURES)]
    return (*key, n, skipped, error, band.low, band.high, pca.components, verdict, json.dumps(top))
