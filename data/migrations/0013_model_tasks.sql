-- Each model's task, recorded by its first ingested batch (declared, or inferred: a score in [0, 1] with
-- integer 0/1 labels is binary) and never changed afterwards (data/queries/model_tasks.py). A model without
-- a row is binary: the built-in models and every model logged before tasks were recorded.
CREATE TABLE model_tasks (
    model VARCHAR PRIMARY KEY,
    task VARCHAR NOT NULL,
    declared BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
