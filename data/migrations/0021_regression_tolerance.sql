-- A regression model's tolerance: a prediction succeeds (Predictions page, rollups) when its absolute error
-- is at most `absolute` or at most `relative` times |label| (data/queries/outcome_status.py). A model without
-- a row uses the defaults there; a row's 0 turns that side off.
CREATE TABLE model_tolerances (
    model VARCHAR PRIMARY KEY,
    absolute DOUBLE NOT NULL,
    relative DOUBLE NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
