"""Multiclass models (migration 0017): each model's class set, true class names, and the per-minute
profiles their quality is merged from (rebuilt with the other profiles: data/queries/profiles.py).

Classes. A model's classes are recorded in the order first seen, at most `MAX_CLASSES`: the predicted
labels and probability keys of its ingested batches (a batch that would bring the 101st is refused whole,
naming its row and field: `ClassLimit`), and the true classes of its labelled predictions, recorded when
their minute is profiled (the outcome route does not know a prediction's model). A true class that finds
the set full is folded into `OTHER` in the profile and counted there.

Profiles. `multiclass_profile` counts (true class, predicted class) per minute, with the rows that sent
probabilities and the sum of -ln(p of the true class) over the labelled ones, p clipped to [EPS, 1 - EPS]
as scikit-learn's log_loss clips (EPS: float64's machine epsilon). `class_score_profile` bins each class's
probability of the labelled rows that sent probabilities in the binary score bins, by whether the true
class is that class (one-vs-rest), with each bin's smallest and largest probability, for ROC AUC with the
binary AUC's error bound. Both are keyed by names, so minutes, hours and days merge by summing.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np

from data.queries import profile_tiers
from data.store import Store

if TYPE_CHECKING:
    import pyarrow as pa

MAX_CLASSES = 100
OTHER = "__other__"
EPS = float(np.finfo(np.float64).eps)
TABLES = ("multiclass_profile", "class_score_profile", "class_prob_profile")
RAW_TABLES = ("prediction_classes", "prediction_probabilities", "outcome_classes")  # kept as long as predictions
ANSWER_TABLES = ("multiclass_evaluations", "multiclass_class_evaluations", "multiclass_confusion", "multiclass_class_drift")
_MINUTE = "time_bucket(INTERVAL 1 MINUTE, c.ts)"


class ClassLimit(Exception):
    """A batch would give a model more than MAX_CLASSES classes."""

    def __init__(self, model: str, name: str, row: int, field: str) -> None:
        super().__init__(f"model {model!r} has {MAX_CLASSES} classes already; class {name!r} would be one more")
        self.model, self.name, self.row, self.field = model, name, row, field


def claim_classes(cur: duckdb.DuckDBPyConnection, appearances: pa.Table | None) -> None:
    """Record the batch's new classes (model, class, row, field in order of first appearance), or raise
    ClassLimit at the first one that finds its model's set full (inside the ingest transaction)."""
    if appearances is None or appearances.num_rows == 0:
        return
    rows = appearances.to_pylist()
    models = sorted({r["model"] for r in rows})
    known: dict[str, set[str]] = {m: set() for m in models}
    for model, name in cur.execute("SELECT model, class FROM model_classes WHERE list_contains(?, model)", [models]).fetchall():
        known[model].add(name)
    new = []
    for r in rows:
        classes = known[r["model"]]
        if r["class"] in classes:
            continue
        if len(classes) >= MAX_CLASSES:
            raise ClassLimit(r["model"], r["class"], r["row"], r["field"])
        new.append((r["model"], r["class"], len(classes)))
        classes.add(r["class"])
    if new:
        cur.executemany("INSERT INTO model_classes VALUES (?, ?, ?)", new)


def store_outcome_classes(cur: duckdb.DuckDBPyConnection, classes: pa.Table | None, new: list[Any]) -> None:
    """The class names (id, label, ts) of the outcomes just stored (`new`: their ids, as rows)."""
    import pyarrow as pa

    if classes is None or classes.num_rows == 0 or not new:
        return
    cur.register("ingest_classes", classes)
    cur.register("ingest_new_ids", pa.table({"id": [row[0] for row in new]}))
    cur.execute("INSERT INTO outcome_classes SELECT c.* FROM ingest_classes c SEMI JOIN ingest_new_ids n ON c.id = n.id")
    cur.unregister("ingest_classes")
    cur.unregister("ingest_new_ids")


def non_multiclass_ids(store: Store, ids: list[str]) -> dict[str, str]:
    """id -> model of the stored predictions among `ids` whose model is not a multiclass one."""
    rows = store.fetch_all(
        "multiclass.non_multiclass_ids",
        "SELECT p.id, p.model FROM predictions p SEMI JOIN (SELECT unnest(?::VARCHAR[]) AS id) i ON i.id = p.id "
        "LEFT JOIN model_tasks t ON t.model = p.model WHERE coalesce(t.task, 'binary') <> 'multiclass'",
        [ids],
    )
    return dict(rows)


def classes(store: Store, model: str) -> list[str]:
    """The model's classes in the order first seen."""
    return [
        r[0]
        for r in store.fetch_all(
            "multiclass.classes", "SELECT class FROM model_classes WHERE model = ? ORDER BY position", [model]
        )
    ]


# The dirty minutes' multiclass rows with their true class (NULL: no outcome yet). Parameters: models[],
# minutes[], the minutes' range.
_ROWS = f"""d AS (SELECT unnest(?::VARCHAR[]) AS model, unnest(?::TIMESTAMP[]) AS m),
r AS (SELECT c.id, c.model, {_MINUTE} AS m, c.predicted, c.scored,
             CASE WHEN o.id IS NULL THEN NULL ELSE coalesce(oc.label, o.label::VARCHAR) END AS truth
      FROM prediction_classes c SEMI JOIN d ON d.model = c.model AND d.m = {_MINUTE}
      LEFT JOIN outcomes o ON o.id = c.id LEFT JOIN outcome_classes oc ON oc.id = c.id
      WHERE c.ts >= ? AND c.ts < ?)"""
NEW_TRUTHS_SQL = f"""
WITH {_ROWS}
SELECT r.model, r.truth, min(r.m) AS first FROM r ANTI JOIN model_classes k ON k.model = r.model AND k.class = r.truth
WHERE r.truth IS NOT NULL GROUP BY ALL ORDER BY r.model, first, r.truth
"""
COUNT_SQL = "SELECT model, count(*) FROM model_classes WHERE list_contains(?, model) GROUP BY ALL"
CONFUSION_SQL = f"""
INSERT INTO multiclass_profile
WITH {_ROWS},
pp AS (SELECT id, class, p FROM prediction_probabilities WHERE ts >= ? AND ts < ?)
SELECT r.model, r.m, CASE WHEN r.truth IS NULL THEN NULL WHEN k.class IS NULL THEN '{OTHER}' ELSE r.truth END,
       r.predicted, count(*), count(*) FILTER (r.scored),
       coalesce(sum(-ln(least(greatest(coalesce(pp.p, 0), {EPS!r}), 1 - {EPS!r})))
                FILTER (r.scored AND r.truth IS NOT NULL), 0)
FROM r LEFT JOIN model_classes k ON k.model = r.model AND k.class = r.truth
LEFT JOIN pp ON pp.id = r.id AND pp.class = r.truth
GROUP BY ALL
"""
SCORES_SQL = f"""
INSERT INTO class_score_profile
WITH {_ROWS}
SELECT r.model, r.m, p.class, {{bin}}::SMALLINT, p.class = r.truth, count(*), min(p.p), max(p.p)
FROM r JOIN prediction_probabilities p ON p.id = r.id
WHERE r.truth IS NOT NULL AND p.ts >= ? AND p.ts < ?
GROUP BY ALL
"""


# Every scored row, labelled or not (migration 0023): what estimates before labels are merged from.
PROBS_SQL = f"""
INSERT INTO class_prob_profile
WITH {_ROWS}
SELECT r.model, r.m, p.class, {{bin}}::SMALLINT, p.class = r.predicted, r.truth IS NOT NULL, count(*)
FROM r JOIN prediction_probabilities p ON p.id = r.id
WHERE p.ts >= ? AND p.ts < ?
GROUP BY ALL
"""


def _binned(sql: str) -> str:
    from data.queries import profiles  # the binary score bins (profiles imports this module)

    return sql.replace("{bin}", profiles._SCORE_BIN.replace("p.score", "p.p"))


def rebuild(cur: duckdb.DuckDBPyConnection, models: list[str], minutes: list[datetime], span: list[datetime]) -> None:
    """Rebuild the multiclass profiles of these (model, minute) pairs (a late label changes its minute's),
    after recording the true classes they bring while their model has room."""
    params = [models, minutes, *span]
    for table in TABLES:
        cur.execute(
            f"DELETE FROM {table} t USING (SELECT unnest(?::VARCHAR[]) AS model, unnest(?::TIMESTAMP[]) AS m) d "
            "WHERE t.model = d.model AND t.ts = d.m",
            [models, minutes],
        )
    truths = cur.execute(NEW_TRUTHS_SQL, params).fetchall()
    if truths:
        room = {m: MAX_CLASSES - n for m, n in cur.execute(COUNT_SQL, [sorted({t[0] for t in truths})]).fetchall()}
        new = []
        for model, name, _ in truths:
            have = room.get(model, MAX_CLASSES)
            if have > 0:
                new.append((model, name, MAX_CLASSES - have))
                room[model] = have - 1
        if new:
            cur.executemany("INSERT INTO model_classes VALUES (?, ?, ?)", new)
    cur.execute(CONFUSION_SQL, [*params, *span])
    cur.execute(_binned(SCORES_SQL), [*params, *span])
    cur.execute(_binned(PROBS_SQL), [*params, *span])


def confusion_counts(store: Store, model: str, first: datetime, last: datetime) -> list[tuple[Any, ...]]:
    """(true class or None, predicted, n, scored, log_loss_sum) over the minutes [first, last] merged. The
    log-loss sums add in time order, so two windows over the same slices sum alike: added in the order the
    union of tiers yields them, the floats rounded differently when the union had another shape."""
    sql, params, _ = profile_tiers.window_source(store, "multiclass_profile", model, first, last)
    return store.fetch_all(
        "multiclass.confusion_window",
        f"SELECT true_class, predicted, sum(n)::BIGINT, sum(scored)::BIGINT, sum(log_loss_sum ORDER BY ts) FROM {sql} s "
        "GROUP BY ALL",
        params,
    )


def class_score_bins(store: Store, model: str, first: datetime, last: datetime) -> dict[str, dict[str, np.ndarray]]:
    """Per class: arrays bin, positive, n, p_min, p_max over the minutes [first, last] merged."""
    sql, params, _ = profile_tiers.window_source(store, "class_score_profile", model, first, last)
    table = store.fetch_arrow(
        "multiclass.scores_window",
        f"SELECT class, bin, positive, sum(n)::BIGINT AS n, min(p_min) AS p_min, max(p_max) AS p_max FROM {sql} s "
        "GROUP BY ALL ORDER BY class, bin",
        params,
    )
    cols = {name: np.asarray(table.column(name).to_numpy(zero_copy_only=False)) for name in table.column_names}
    found: dict[str, dict[str, np.ndarray]] = {}
    if not len(cols["class"]):
        return found
    names = cols["class"]
    starts = [0, *(np.flatnonzero(names[1:] != names[:-1]) + 1).tolist()]
    for lo, hi in zip(starts, [*starts[1:], len(names)], strict=True):
        found[str(names[lo])] = {k: v[lo:hi] for k, v in cols.items() if k != "class"}
    return found


def stored_answer(
    store: Store, model: str, ts: datetime, seconds: int
) -> tuple[dict[str, Any], list[dict[str, Any]], list[Any], list[dict[str, Any]]]:
    """The evaluation job's multiclass rows of one answer (its model_evaluations row's key): the averages row,
    the class rows and the (true class, predicted, n) cells."""
    key = [model, ts, seconds]
    where = "WHERE model = ? AND ts = ? AND window_seconds = ?"
    extra = store.fetch_dicts("multiclass.stored", f"SELECT * FROM multiclass_evaluations {where}", key)
    classes = store.fetch_dicts(
        "multiclass.stored_classes", f"SELECT * FROM multiclass_class_evaluations {where} ORDER BY class", key
    )
    cells = store.fetch_all(
        "multiclass.stored_cells", f"SELECT true_class, predicted, n FROM multiclass_confusion {where} ORDER BY ALL", key
    )
    drift = store.fetch_dicts("multiclass.stored_drift", f"SELECT * FROM multiclass_class_drift {where} ORDER BY side DESC", key)
    return (extra[0] if extra else {}), classes, cells, drift


REFERENCE_ROWS = 2_000
FREEZE_SQL = f"""
INSERT INTO model_class_reference
WITH first_n AS (
    SELECT c.predicted, coalesce(oc.label, o.label::VARCHAR) AS truth FROM prediction_classes c
    JOIN outcomes o ON o.id = c.id LEFT JOIN outcome_classes oc ON oc.id = c.id
    WHERE c.model = $model ORDER BY c.ts, c.id LIMIT {REFERENCE_ROWS})
SELECT $model, 'prediction', predicted, count(*) FROM first_n GROUP BY ALL
UNION ALL SELECT $model, 'label', truth, count(*) FROM first_n GROUP BY ALL
"""


def freeze_class_reference(store: Store, model: str) -> bool:
    """Freeze the model's class reference from its first REFERENCE_ROWS labelled predictions once it has that
    many (the evaluation pass does it: answers only read); True when it is frozen."""
    if store.fetch_all("multiclass.has_reference", "SELECT 1 FROM model_class_reference WHERE model = ? LIMIT 1", [model]):
        return True
    count = "SELECT count(*) FROM prediction_classes c SEMI JOIN outcomes o ON o.id = c.id WHERE c.model = ?"
    found = store.fetch_one("multiclass.labelled", count, [model])
    if not found or found[0] < REFERENCE_ROWS:
        return False
    with store.transaction("reference") as cur:
        if not cur.execute("SELECT 1 FROM model_class_reference WHERE model = ?", [model]).fetchall():
            cur.execute(FREEZE_SQL, {"model": model})
    return True


def class_reference(store: Store, model: str) -> dict[str, dict[str, int]]:
    """side ('prediction', 'label') -> class -> reference rows (empty before freeze_class_reference froze it)."""
    sql = "SELECT side, class, n FROM model_class_reference WHERE model = ?"
    rows = store.fetch_all("multiclass.reference", sql, [model])
    reference: dict[str, dict[str, int]] = {}
    for side, name, n in rows:
        reference.setdefault(side, {})[name] = int(n)
    return reference
