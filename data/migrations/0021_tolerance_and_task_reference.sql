-- A regression model's tolerance: a prediction succeeds (Predictions page, rollups) when its absolute error
-- is at most `absolute` or at most `relative` times |label| (data/queries/outcome_status.py). A model without
-- a row uses the defaults there; a row's 0 turns that side off.
CREATE TABLE model_tolerances (
    model VARCHAR PRIMARY KEY,
    absolute DOUBLE NOT NULL,
    relative DOUBLE NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- The reference figures the regression and multiclass alert metrics compare a window with, frozen from a
-- model's first labelled predictions (data/queries/task_reference.py): RMSE and MAE of a regression model,
-- macro F1 of a multiclass one (NULL for the other task's figures).
CREATE TABLE model_task_reference (
    model VARCHAR PRIMARY KEY,
    task VARCHAR NOT NULL,
    rows BIGINT NOT NULL,
    rmse DOUBLE,
    mae DOUBLE,
    macro_f1 DOUBLE,
    frozen_at TIMESTAMP NOT NULL
);
-- Fleet counters of regression and multiclass models (data/queries/fleet_task_counts.py), kept like the
-- binary ones (migration 0009): what each profile minute last added, and the running totals. `series` names
-- the counter (labelled, abs_error_sum, squared_error_sum, abs_error_bucket, class_true, class_predicted,
-- class_correct) and `key` its bucket or class.
CREATE TABLE fleet_minute_task (
    model VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    series VARCHAR NOT NULL,
    key VARCHAR NOT NULL,
    value DOUBLE NOT NULL
);
CREATE TABLE fleet_total_task (
    model VARCHAR NOT NULL,
    series VARCHAR NOT NULL,
    key VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    PRIMARY KEY (model, series, key)
);
