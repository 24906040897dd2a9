"""The cache of windows' closed parts (answers/window_cache.py) on a real DuckDB: cached answers equal
uncached ones exactly; a late label on an old minute, retention and a snapshot taken before a write each
get the figures of their own state on the very next call; the cache stays within its byte budget."""

from __future__ import annotations

import math
import threading
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from answers.model_window import EVALUATION_COLUMNS, ModelAnswers, nested_windows
from data.queries import profile_reads as pr
from data.queries import profiles
from data.retention import RetentionPolicy, run_pass
from data.store import Store
from tests.unit.data.test_profiles import MODEL, outcomes, predictions, reference

NOW = datetime(2026, 3, 10, 12, 7, 42)
DAY = 86400
WINDOWS = [900, 3600, DAY, 3 * DAY, 7 * DAY]


def seeded(tmp_path: Any, seed: int = 7) -> tuple[Store, list[str], list[datetime]]:
    """Four days of predictions, every other one labelled, profiled with hour and day tiers; returns the
    store, the unlabelled ids and their times."""
    store, rng = Store(tmp_path / "cache.duckdb"), np.random.default_rng(seed)
    reference(store, rng)
    start = NOW - timedelta(days=4)
    batch = predictions(store, rng, 3000, start, 4 * DAY - 600, 0.0, NOW - timedelta(minutes=5))
    ids = list(batch["id"])
    outcomes(store, ids[::2], (rng.random(len(ids[::2])) < 0.4).astype(int), NOW - timedelta(minutes=5))
    profiles.refresh(store, NOW)
    outcomes(store, ["no-such-prediction"], np.array([0]), NOW)  # moves the watermark past the seed's rows,
    profiles.refresh(store, NOW)  # so that a later pass re-profiles only what it adds
    times = [r[0] for r in store.fetch_all("t", "SELECT ts FROM predictions ORDER BY ts")]
    return store, ids[1::2], times[1::2]


def plain(rows: Any) -> Any:
    """Rows with NaN made comparable (NaN != NaN), for exact equality of answers."""
    if isinstance(rows, dict):
        return {k: plain(v) for k, v in rows.items()}
    if isinstance(rows, list | tuple):
        return [plain(v) for v in rows]
    if isinstance(rows, float) and math.isnan(rows):
        return "nan"
    return rows


def evaluation(answers: ModelAnswers, now: datetime, seconds: int) -> dict[str, Any]:
    found = answers.answer(MODEL, now, [seconds])["model_evaluations"][0]
    return dict(zip(EVALUATION_COLUMNS, found, strict=True))


def test_cached_answers_equal_uncached_ones_exactly(tmp_path) -> None:
    store, _, _ = seeded(tmp_path)
    try:
        cached = ModelAnswers(store, 100)
        first = cached.answer(MODEL, NOW, WINDOWS, recent_seconds=30)
        again = cached.answer(MODEL, NOW, WINDOWS, recent_seconds=30)
        uncached = ModelAnswers(store, 100)
        uncached.closed.max_bytes = 0
        fresh = uncached.answer(MODEL, NOW, WINDOWS, recent_seconds=30)
        assert cached.closed.hits > 0
        assert uncached.closed.size_bytes == 0
        assert plain(again) == plain(first)
        assert plain(again) == plain(fresh)
        assert len(again["model_evaluations"]) == len(WINDOWS)
        assert len(again["feature_drift"]) > len(WINDOWS)
    finally:
        store.close()


def test_splitting_at_the_closed_boundary_keeps_the_counts_of_one_read(tmp_path) -> None:
    store, _, _ = seeded(tmp_path)
    try:
        split = ModelAnswers(store, 100).quality(MODEL, NOW, [7 * DAY])[0]
        whole = nested_windows(NOW, [7 * DAY], lambda first, last: pr.score_bins(store, MODEL, first, last))
        n = int(whole[7 * DAY][0][0]["n"].sum())
        assert split.predictions == n
        assert split.predictions == 3000
        assert split.labelled == 1500
    finally:
        store.close()


def test_a_late_label_on_a_three_day_old_minute_changes_the_7d_answer_on_the_next_call(tmp_path) -> None:
    store, unlabelled, times = seeded(tmp_path)
    try:
        answers = ModelAnswers(store, 100)
        before = evaluation(answers, NOW, 7 * DAY)
        hits = answers.closed.hits
        assert evaluation(answers, NOW, 7 * DAY) == before
        assert answers.closed.hits > hits  # the closed part came from the cache
        old = next(i for i, t in zip(unlabelled, times, strict=True) if t <= NOW - timedelta(days=3))
        outcomes(store, [old], np.array([1]), NOW + timedelta(seconds=5))
        profiles.refresh(store, NOW)
        after = evaluation(answers, NOW, 7 * DAY)
        assert after["labelled"] == before["labelled"] + 1
        assert after["positives"] == before["positives"] + 1
    finally:
        store.close()


def test_retention_changes_a_long_window_on_the_next_call(tmp_path) -> None:
    store, _, _ = seeded(tmp_path)
    try:
        answers = ModelAnswers(store, 100)
        before = evaluation(answers, NOW, 7 * DAY)
        run_pass(store, RetentionPolicy(predictions_days=2, hour_days=2), NOW)
        after = evaluation(answers, NOW, 7 * DAY)
        assert before["predictions"] == 3000
        assert after["predictions"] < before["predictions"]
    finally:
        store.close()


def test_a_snapshot_from_before_a_write_keeps_its_own_figures(tmp_path) -> None:
    """A reader whose snapshot predates a late label gets the old figures even once the new ones are cached,
    and a reader after the commit gets the new ones."""
    store, unlabelled, times = seeded(tmp_path)
    try:
        answers = ModelAnswers(store, 100)
        before = evaluation(answers, NOW, 7 * DAY)
        opened, written, found = threading.Event(), threading.Event(), {}

        def old_reader() -> None:
            with store.snapshot():
                found["first"] = store.fetch_one("t", "SELECT count(*) FROM outcomes")  # the snapshot starts here
                opened.set()
                written.wait(timeout=60)
                found["old"] = evaluation(answers, NOW, 7 * DAY)

        reader = threading.Thread(target=old_reader)
        reader.start()
        assert opened.wait(timeout=60)
        old = next(i for i, t in zip(unlabelled, times, strict=True) if t <= NOW - timedelta(days=3))
        outcomes(store, [old], np.array([1]), NOW + timedelta(seconds=5))
        profiles.refresh(store, NOW)
        after = evaluation(answers, NOW, 7 * DAY)  # caches the new closed part
        written.set()
        reader.join(timeout=60)
        assert after["labelled"] == before["labelled"] + 1
        assert found["old"]["labelled"] == before["labelled"]
    finally:
        store.close()


def test_the_cache_stays_within_its_byte_budget(tmp_path) -> None:
    store, _, _ = seeded(tmp_path)
    try:
        answers = ModelAnswers(store, 100)
        answers.closed.max_bytes = 400_000
        for hours in range(30):
            answers.answer(MODEL, NOW + timedelta(hours=hours), [DAY, 3 * DAY])
            assert answers.closed.size_bytes <= 400_000
        assert answers.closed.size_bytes > 0
        answers.forget(MODEL)
        assert answers.closed.size_bytes == 0
    finally:
        store.close()


def test_new_rows_in_the_open_hour_change_every_window_after_the_next_pass(tmp_path) -> None:
    store, _, _ = seeded(tmp_path)
    try:
        answers = ModelAnswers(store, 100)
        before = {s: evaluation(answers, NOW, s)["predictions"] for s in (900, 7 * DAY)}
        predictions(store, np.random.default_rng(9), 40, NOW - timedelta(minutes=3), 60, 0.0, NOW + timedelta(seconds=5), "new")
        assert {s: evaluation(answers, NOW, s)["predictions"] for s in (900, 7 * DAY)} == before  # not yet profiled
        profiles.refresh(store, NOW)
        assert evaluation(answers, NOW, 900)["predictions"] == before[900] + 40
        assert evaluation(answers, NOW, 7 * DAY)["predictions"] == before[7 * DAY] + 40
    finally:
        store.close()
